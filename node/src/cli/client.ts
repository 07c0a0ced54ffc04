// The CLI's client of a running node's operator API: address from config.json, token from
// D/admin.token (or ENTENTE_TOKEN).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../config/index.js';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Record<string, unknown> | undefined, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface OperatorClient {
  call<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

export function operatorClient(dir: string, token?: string): OperatorClient {
  const config = loadConfig(dir);
  const host = config.operator.host === '0.0.0.0' ? '127.0.0.1' : config.operator.host.includes(':') ? `[${config.operator.host}]` : config.operator.host;
  const base = `http://${host}:${config.operator.port}`;
  const secret = token ?? process.env.ENTENTE_TOKEN ?? readFileSync(join(dir, 'admin.token'), 'utf8').trim();
  return {
    async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
      let res: Response;
      try {
        // a stream is sent as it is (a list file upload); anything else as JSON
        const raw = body instanceof Readable;
        const type = raw ? 'application/octet-stream' : 'application/json';
        res = await fetch(base + path, {
          method,
          headers: { authorization: `Bearer ${secret}`, ...(body !== undefined ? { 'content-type': type } : {}), ...headers },
          body: body === undefined ? null : raw ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : JSON.stringify(body),
          ...(raw ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch {
        throw new ApiError(0, undefined, `cannot reach the node's operator API at ${base} (is \`entente start --dir ${dir}\` running?)`);
      }
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      if (!res.ok) {
        const p = parsed as Record<string, unknown> | undefined;
        const errors = Array.isArray(p?.errors) ? (p!.errors as { pointer: string; message: string }[]).map((e) => `\n  ${e.pointer}: ${e.message}`).join('') : '';
        throw new ApiError(res.status, p, `${res.status} ${String(p?.title ?? res.statusText)}${p?.detail ? `: ${String(p.detail)}` : ''}${errors}`);
      }
      return parsed as T;
    },
  };
}
