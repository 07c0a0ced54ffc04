// The CLI's client of a running node's operator API: address from D/run.json (else config.json), token from
// D/admin.token (or ENTENTE_TOKEN).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import { readRunFile } from '../config/run-file.js';
import { noteMode } from './mode.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown> | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * A problem as the operator reads it: the node's sentence, without HTTP codes, and for invalid
 * input each member's pointer and what is wrong with it, one per line.
 */
export function problemText(p: Record<string, unknown> | undefined, statusText: string): string {
  const list = Array.isArray(p?.errors) ? (p.errors as { pointer: string; message: string }[]) : [];
  const title = typeof p?.title === 'string' ? p.title : statusText;
  const detail = typeof p?.detail === 'string' && p.detail ? p.detail : title;
  if (list.length === 0) return detail;
  const where = (pointer: string) => (pointer === '' ? 'the input as a whole' : pointer);
  const head = detail.startsWith('validation failed') ? 'the input is not valid' : detail.replace(/: \/.*$/, '');
  const count = list.length === 1 ? '1 problem' : `${list.length} problems`;
  return `${head} (${count}):${list.map((e) => `\n  ${where(e.pointer)}: ${e.message}`).join('')}`;
}

export interface OperatorClient {
  call<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** The response as text with its headers (CSV exports). */
  text(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ text: string; headers: Headers }>;
}

/** The operator address config.json names (a running node's D/run.json is preferred: it has the bound port). */
function configuredOperatorUrl(dir: string): string {
  const { host, port } = loadConfig(dir).operator;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The node's id for the EXERCISE line: from D/run.json, else config.json, else the directory. */
function nodeIdOf(dir: string): string {
  try {
    return readRunFile(dir)?.nodeId ?? loadConfig(dir).nodeId;
  } catch {
    return dir;
  }
}

export function operatorClient(dir: string, token?: string): OperatorClient {
  const base = readRunFile(dir)?.operator.url ?? configuredOperatorUrl(dir);
  const secret = token ?? process.env.ENTENTE_TOKEN ?? readFileSync(join(dir, 'admin.token'), 'utf8').trim();
  const client: OperatorClient = {
    async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
      const { text } = await client.text(method, path, body, headers);
      try {
        return (text ? JSON.parse(text) : undefined) as T;
      } catch {
        return text as T;
      }
    },
    async text(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      let res: Response;
      try {
        // a stream is sent as it is (a list file upload); anything else as JSON
        const raw = body instanceof Readable;
        const type = raw ? 'application/octet-stream' : 'application/json';
        res = await fetch(base + path, {
          method,
          headers: {
            authorization: `Bearer ${secret}`,
            ...(body !== undefined ? { 'content-type': type } : {}),
            ...headers,
          },
          body:
            body === undefined
              ? null
              : raw
                ? (Readable.toWeb(body) as ReadableStream<Uint8Array>)
                : JSON.stringify(body),
          ...(raw ? { duplex: 'half' } : {}),
        });
      } catch {
        throw new ApiError(
          0,
          undefined,
          `cannot reach the node's operator API at ${base} (is \`entente start --dir ${dir}\` running?)`,
        );
      }
      const text = await res.text();
      // every table printed after this response is marked when the node is an exercise node
      noteMode(res.headers.get('entente-mode'), nodeIdOf(dir));
      if (!res.ok) {
        let p: Record<string, unknown> | undefined;
        try {
          p = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        } catch {
          p = undefined;
        }
        throw new ApiError(res.status, p, problemText(p, res.statusText));
      }
      return { text, headers: res.headers };
    },
  };
  return client;
}
