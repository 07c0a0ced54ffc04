// Ed25519 signature checks of a received batch split between this thread and one worker thread
// (docs/protocol.md §6.7 check 4 is a sixth of the receiver's time, and independent of the database). The
// result for each item names the key it was checked with; verifyJws uses it only for that same key
// and checks the signature itself otherwise, so a key rotation between the two steps cannot let
// anything through. Everything else about an item is still checked by verifyJws, in order.
import { Worker } from 'node:worker_threads';
import { checkSignature } from './jws.js';
import type { PublicJwk } from './keys.js';

/** A signature already checked: against the key with this `x`, valid or not. */
export interface Presigned {
  x: string;
  ok: boolean;
}

interface Job {
  input: string;
  sig: string;
  x: string;
}

/** The worker: plain CommonJS, so that it loads the same under tsx and from the build. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', ({ id, jobs }) => {
  const out = new Uint8Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i];
    let key = keys.get(j.x);
    if (!key) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: j.x }, format: 'jwk' });
      if (keys.size > 1000) keys.clear();
      keys.set(j.x, key);
    }
    const sig = Buffer.from(j.sig, 'base64url');
    out[i] = sig.length === 64 && verify(null, Buffer.from(j.input, 'ascii'), key, sig) ? 1 : 0;
  }
  parentPort.postMessage({ id, out });
});
`;

/** Batches smaller than this are checked on this thread alone (a message round trip costs more). */
const MIN_PARALLEL = 32;

export class SignaturePool {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, (out: Uint8Array | null) => void>();

  /**
   * Checks the signature of every compact JWS whose header names a kid among `keys`; items that are
   * malformed or name an unknown kid are left out (verifyJws refuses them in order).
   */
  async check(items: readonly string[], keys: readonly PublicJwk[]): Promise<Map<number, Presigned>> {
    const jobs: { index: number; job: Job }[] = [];
    items.forEach((item, index) => {
      const parts = typeof item === 'string' ? item.split('.') : [];
      if (parts.length !== 3) return;
      let kid: unknown;
      try {
        kid = (JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
      } catch {
        return;
      }
      const key = keys.find((k) => k.kid === kid);
      if (key) jobs.push({ index, job: { input: `${parts[0]}.${parts[1]}`, sig: parts[2]!, x: key.x } });
    });
    const out = new Map<number, Presigned>();
    const half = jobs.length >= MIN_PARALLEL ? Math.floor(jobs.length / 2) : 0;
    const theirs = half > 0 ? this.post(jobs.slice(0, half).map((j) => j.job)) : Promise.resolve(null);
    for (const { index, job } of jobs.slice(half))
      out.set(index, {
        x: job.x,
        ok: checkSignature(
          job.input,
          job.sig,
          keys.find((k) => k.x === job.x)!,
        ),
      });
    const results = await theirs;
    // no answer (the worker died): those items are left for verifyJws to check itself
    if (results) jobs.slice(0, half).forEach(({ index, job }, i) => out.set(index, { x: job.x, ok: results[i] === 1 }));
    return out;
  }

  private post(jobs: Job[]): Promise<Uint8Array | null> {
    if (!this.worker) {
      const w = new Worker(WORKER, { eval: true });
      w.unref();
      w.on('message', ({ id, out }: { id: number; out: Uint8Array }) => {
        this.waiting.get(id)?.(out);
        this.waiting.delete(id);
      });
      // a worker that died answers nothing: its pending checks come back unanswered
      w.on('error', () => this.fail(w));
      w.on('exit', () => this.fail(w));
      this.worker = w;
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker!.postMessage({ id, jobs });
    });
  }

  private fail(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = null;
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
