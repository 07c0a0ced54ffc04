// The one multipart/form-data form of the console (a partner's bundle file): a small, bounded reader
// of text fields and one file, so no upload library is needed. Anything odd is refused, not guessed.
import express, { type RequestHandler } from 'express';

export const multipartBody: RequestHandler = express.raw({ type: 'multipart/form-data', limit: '512kb' });

/** Fields of a multipart body: text fields, and each file field as its text. Null when it is not readable. */
export function parseMultipart(contentType: string | undefined, body: unknown): Record<string, string> | null {
  const m = /^multipart\/form-data;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  if (!m || !Buffer.isBuffer(body)) return null;
  const boundary = `--${m[1] ?? m[2]}`;
  const text = body.toString('latin1');
  const out: Record<string, string> = {};
  const parts = text.split(boundary);
  if (parts.length < 3 || !parts.at(-1)!.startsWith('--')) return null;
  for (const part of parts.slice(1, -1)) {
    const p = part.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const split = p.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const headers = p.slice(0, split);
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]{1,100})"/i.exec(headers)?.[1];
    if (!name) return null;
    if (!(name in out)) out[name] = Buffer.from(p.slice(split + 4), 'latin1').toString('utf8');
  }
  return out;
}
