// Reference-list imports as jobs (docs/screening.md, "Reference lists"): the uploaded file is written
// to the node's directory as it streams in, then parsed and normalised by a worker thread; this thread
// writes each batch in a short transaction (so /healthz and federation traffic keep answering) beside
// the version in force, and switches the list to the new version in one small transaction at the end.
// A job stopped midway (SIGTERM, failure) leaves the previous version in force; its rows are removed.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../domain/errors.js';
import type { ReferenceListRow } from '../store/reference-lists.js';
import type { ScreeningStore as Store } from '../store/screening.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { listIdOf, sniffFormat, type ColumnMap, type ListFormat } from './formats.js';
import type { WorkerInput, WorkerMessage } from './import-worker.js';

export interface ImportRequest {
  /** The list's name; by default the name the file gives itself, or the format's (us-csl), or the file name. */
  list?: string;
  format?: string;
  map?: ColumnMap;
  /** The file name as uploaded, kept as the list's source. */
  filename?: string;
}

export interface ImportJob {
  id: string;
  list: string;
  format: ListFormat | null;
  state: 'receiving' | 'indexing' | 'done' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  /** Bytes received and read so far, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
  entries: number;
  /** Names written so far (new and changed entries only). */
  namesIndexed: number;
  /** Names per second written so far. */
  rate: number;
  result: {
    unchanged: boolean;
    added: number;
    removed: number;
    changed: number;
    entries: number;
    names: number;
    version: number;
  } | null;
  error: string | null;
}

/** Uploads larger than this are refused. */
const MAX_UPLOAD = 2 * 1024 ** 3;
/** Superseded rows removed per transaction after a switch. */
const CLEANUP_ROWS = 2000;

export class ReferenceListImports {
  private readonly jobs = new Map<string, ImportJob>();
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dir: string,
  ) {}

  /** The reference lists held, each at the version in force. */
  lists(): ReferenceListRow[] {
    return this.store.referenceLists.all();
  }

  get(id: string): ImportJob | undefined {
    return this.jobs.get(id);
  }

  /** Jobs, newest first (this process's only: a job does not outlive the node). */
  list(): ImportJob[] {
    return [...this.jobs.values()].reverse();
  }

  /**
   * Removes what imports that did not finish left (rows of a version never put in force, marks on the
   * rows of the version in force) and rows superseded but not yet removed. Run at start.
   */
  recover(): number {
    const versions = this.store.referenceLists.versions();
    let n = 0;
    for (const source of this.store.referenceLists.sources()) {
      const v = versions.get(source) ?? 0;
      this.store.tx(() => this.store.referenceLists.unretire(source, v));
      for (
        let ids = this.store.referenceLists.unseenRows(source, v, CLEANUP_ROWS);
        ids.length > 0;
        ids = this.store.referenceLists.unseenRows(source, v, CLEANUP_ROWS)
      ) {
        this.store.tx(() => this.store.screening.removeMany(ids));
        n += ids.length;
      }
    }
    return n;
  }

  /** Receives a list file from a stream and starts its import; resolves once the file is received. */
  async start(body: Readable, req: ImportRequest, actor: string): Promise<ImportJob> {
    if (this.closed) throw new AppError('unavailable', 'the node is stopping');
    const id = randomUUID();
    const job: ImportJob = {
      id,
      list: req.list ?? '',
      format: null,
      state: 'receiving',
      startedAt: new Date(this.clock.now()).toISOString(),
      finishedAt: null,
      bytes: 0,
      totalBytes: 0,
      entries: 0,
      namesIndexed: 0,
      rate: 0,
      result: null,
      error: null,
    };
    this.jobs.set(id, job);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${id}.upload`);
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        job.totalBytes += chunk.length;
        if (job.totalBytes > MAX_UPLOAD)
          return done(new AppError('validation', `the list file is larger than ${MAX_UPLOAD} bytes`));
        hash.update(chunk);
        if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, tap, createWriteStream(file, { mode: 0o600 }));
      const gzip = head[0] === 0x1f && head[1] === 0x8b;
      const text = gzip
        ? (await import('node:zlib')).gunzipSync(head, { finishFlush: 2 }).toString('utf8')
        : head.toString('utf8');
      job.format = sniffFormat(text, req.format);
      job.list = req.list ?? listIdOf(text) ?? (job.format.startsWith('csl') ? 'us-csl' : listNameOf(req.filename));
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(job.list))
        throw new AppError('validation', `list name "${job.list}" is not [a-z0-9-] (give one with list=)`);
      if (job.format === 'csv' && !req.map)
        throw new AppError('validation', 'a plain CSV list needs a column mapping (map=name=COLUMN,alias=COLUMN,…)');
      const digest = hash.digest('hex');
      const prev = this.store.referenceLists.get(job.list);
      if (prev?.digest === digest) {
        rmSync(file, { force: true });
        job.state = 'done';
        job.finishedAt = new Date(this.clock.now()).toISOString();
        job.entries = prev.entries;
        job.result = {
          unchanged: true,
          added: 0,
          removed: 0,
          changed: 0,
          entries: prev.entries,
          names: prev.names,
          version: prev.version,
        };
        return job;
      }
      job.state = 'indexing';
      this.run(job, {
        file,
        gzip,
        digest,
        format: job.format,
        map: req.map,
        source: req.filename ?? job.list,
        actor,
        size: statSync(file).size,
      });
      return job;
    } catch (e) {
      rmSync(file, { force: true });
      this.jobs.delete(id);
      throw e instanceof AppError
        ? e
        : new AppError('bad-request', `the list file could not be read: ${(e as Error).message.slice(0, 200)}`);
    }
  }

  private run(
    job: ImportJob,
    o: {
      file: string;
      gzip: boolean;
      digest: string;
      format: ListFormat;
      map: ColumnMap | undefined;
      source: string;
      actor: string;
      size: number;
    },
  ): void {
    const source = `list:${job.list}`;
    const version = this.store.referenceLists.versions().get(source) ?? 0;
    const next = version + 1;
    const input: WorkerInput = {
      file: o.file,
      gzip: o.gzip,
      format: o.format,
      map: o.map,
      database: this.store.db.name,
      source,
      version,
      next,
    };
    const worker = spawnWorker(input);
    this.workers.add(worker);
    job.bytes = 0;
    job.totalBytes = o.size;
    const started = performance.now();
    const finish = (state: ImportJob['state'], error: string | null) => {
      if (job.state !== 'indexing') return;
      job.state = state;
      job.error = error;
      job.finishedAt = new Date(this.clock.now()).toISOString();
      this.workers.delete(worker);
      void worker.terminate();
      rmSync(o.file, { force: true });
      if (state === 'failed' && !this.closed) this.recover();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (job.state !== 'indexing' || this.closed) return;
      try {
        if (m.kind === 'batch') {
          this.store.tx(() => {
            this.store.referenceLists.retire(source, m.retire, next);
            this.store.screening.insertMany(m.inserts);
          });
          job.entries = m.entries;
          job.bytes = m.bytes;
          job.namesIndexed += m.inserts.length;
          job.rate = Math.round(job.namesIndexed / Math.max(0.001, (performance.now() - started) / 1000));
          // the next batch after pending I/O has run: requests are answered between two batches
          setImmediate(() => worker.postMessage('more'));
        } else if (m.kind === 'done') {
          const at = new Date(this.clock.now()).toISOString();
          const seconds = Math.round((performance.now() - started) / 100) / 10;
          const delta = { added: m.added, removed: m.removed, changed: m.changed };
          this.store.tx(() => {
            this.store.referenceLists.switchTo({
              name: job.list,
              source: o.source.slice(0, 200),
              entries: m.entries,
              names: m.names,
              imported_at: at,
              digest: o.digest,
              version: next,
              format: o.format,
              last_import: JSON.stringify({ at, ...delta, seconds }),
            });
            this.audit.append({
              action: 'reference-list.import',
              actor: o.actor,
              subject: job.list,
              details: { ...delta, entries: m.entries, version: next, digest: o.digest },
            });
          });
          job.entries = m.entries;
          job.bytes = o.size;
          job.result = { unchanged: false, ...delta, entries: m.entries, names: m.names, version: next };
          finish('done', null);
          this.cleanUp(source, next);
        } else {
          finish('failed', m.message);
        }
      } catch (e) {
        finish('failed', (e as Error).message);
      }
    });
    worker.on('error', (e) => finish('failed', e.message));
    worker.on('exit', () =>
      finish(this.closed ? 'cancelled' : 'failed', this.closed ? 'the node stopped' : 'the import worker stopped'),
    );
  }

  /** Removes the rows a switch superseded, a few thousand per transaction, between other work. */
  private cleanUp(source: string, version: number): void {
    const step = () => {
      if (this.closed || this.store.referenceLists.versions().get(source) !== version) return;
      const ids = this.store.referenceLists.unseenRows(source, version, CLEANUP_ROWS);
      if (ids.length === 0) return;
      this.store.tx(() => this.store.screening.removeMany(ids));
      setImmediate(step);
    };
    setImmediate(step);
  }

  /** Stops running imports at once: the versions in force stay; the next start removes what they wrote. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.jobs.values()) {
      if (j.state === 'indexing' || j.state === 'receiving') {
        j.state = 'cancelled';
        j.error = 'the node stopped';
      }
    }
    await Promise.all([...this.workers].map((w) => w.terminate()));
    this.workers.clear();
  }
}

function listNameOf(filename: string | undefined): string {
  const base = (filename ?? 'list')
    .split('/')
    .at(-1)!
    .replace(/\.(gz|csv|json|jsonl|ndjson|ftm)$/gi, '')
    .replace(/\.(gz|csv|json|jsonl|ndjson|ftm)$/gi, '');
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'list'
  );
}

/** The worker, from the build (compiled .js) or from source under tsx (registered in the worker first). */
function spawnWorker(input: WorkerInput): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./import-worker.js', here), { workerData: input });
  const api = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const target = new URL('./import-worker.ts', here).href;
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: input });
}
