// The import worker (docs/screening.md, "Reference lists"): parses an uploaded list file, compares each
// entry with the version in force (by digest) and normalises the names of new and changed entries, off
// the node's request thread. The main thread writes what it sends, a batch at a time, and asks for
// the next (so memory stays bounded); it alone writes the database.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { openReferenceListsReadOnly, type ScreenInsert } from '../store/screening.js';
import { parseList, type ColumnMap, type ListFormat } from './formats.js';
import { nameEntries } from './terms.js';

export interface WorkerInput {
  file: string;
  gzip: boolean;
  format: ListFormat;
  map?: ColumnMap;
  database: string;
  /** Index source (`list:<name>`), the version in force and the one being written. */
  source: string;
  version: number;
  next: number;
}

export type WorkerMessage =
  | { kind: 'batch'; inserts: ScreenInsert[]; retire: string[]; entries: number; bytes: number }
  | { kind: 'done'; added: number; changed: number; removed: number; entries: number; names: number }
  | { kind: 'error'; message: string };

/** Names per batch: a batch is one short transaction on the main thread. */
const BATCH_NAMES = 100;

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  let credit = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credit++;
    wake?.();
  });
  const send = async (m: WorkerMessage) => {
    port.postMessage(m);
    if (m.kind !== 'batch') return;
    while (credit === 0) await new Promise<void>((r) => (wake = r));
    credit--;
  };
  const before = (() => {
    const store = openReferenceListsReadOnly(input.database);
    try {
      return store.referenceLists.digests(input.source, input.version);
    } finally {
      store.close();
    }
  })();
  let bytes = 0;
  const raw = createReadStream(input.file);
  raw.on('data', (c) => (bytes += c.length));
  const stream = input.gzip ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  const seen = new Set<string>();
  let added = 0;
  let changed = 0;
  let entries = 0;
  let allNames = 0;
  let inserts: ScreenInsert[] = [];
  let retire: string[] = [];
  for await (const e of parseList(input.format, stream as AsyncIterable<string>, input.map)) {
    if (seen.has(e.ref)) continue;
    seen.add(e.ref);
    entries++;
    allNames += e.names.filter((n) => n.type !== 'WEAK_ALIAS').length;
    const digest = createHash('sha256').update(JSON.stringify(e)).digest('base64url').slice(0, 16);
    const old = before.get(e.ref);
    if (old === digest) continue;
    if (old === undefined) added++;
    else {
      changed++;
      retire.push(e.ref);
    }
    const facts = {
      source: input.source,
      list_ref: e.ref,
      party_role: e.role ?? null,
      countries: e.countries,
      identifiers: e.identifiers,
      birthDates: e.birthDates,
      listFrom: input.next,
      entryDigest: digest,
    };
    // weak aliases (nicknames, FtM weakAlias) are not indexed, as for records: too vague to alert on
    for (const n of e.names)
      if (n.type !== 'WEAK_ALIAS') inserts.push(...nameEntries(n.value, { ...facts, name_type: n.type }));
    if (inserts.length >= BATCH_NAMES) {
      await send({ kind: 'batch', inserts, retire, entries, bytes });
      inserts = [];
      retire = [];
    }
  }
  await send({ kind: 'batch', inserts, retire, entries, bytes });
  const removed = [...before.keys()].filter((r) => !seen.has(r));
  for (let i = 0; i < removed.length; i += 2000)
    await send({ kind: 'batch', inserts: [], retire: removed.slice(i, i + 2000), entries, bytes });
  await send({ kind: 'done', added, changed, removed: removed.length, entries, names: allNames });
}

run(workerData as WorkerInput).catch((e: unknown) => {
  parentPort!.postMessage({
    kind: 'error',
    message: e instanceof Error ? e.message : String(e),
  } satisfies WorkerMessage);
});
