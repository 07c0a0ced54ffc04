// Runs the OASIS TAXII 2.1 client (../shared/vendor/cti-taxii-client, used as it is) against a node,
// as a child process: /usr/bin/python3 with requests, six and pytz (Debian packages; .ci/run
// installs them). Asynchronous: the node answers from this same process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VENDOR } from './stix-schemas.js';
import type { TestNode } from './nodes.js';

export const PYTHON = '/usr/bin/python3';
const script = join(import.meta.dirname, 'taxii-client.py');

export interface ClientCollection {
  id: string;
  alias: string;
  title: string;
  can_read: boolean;
  can_write: boolean;
  pages: number[];
  objects: Record<string, any>[];
  all_pages: number[];
  all_versions: Record<string, any>[];
  manifest: { id: string; date_added: string; version: string; media_type: string }[];
  after_pages?: number[];
  after?: Record<string, any>[];
  single: Record<string, Record<string, any>[]>;
  versions: Record<string, string[]>;
}

export interface ClientRun {
  title: string;
  api_roots: { title: string; versions: string[]; collections: ClientCollection[] }[];
}

/** What the OASIS client read from the node's TAXII server with HTTP Basic (token name, token). */
export async function readWithTaxiiClient(
  node: TestNode,
  user: string,
  token: string,
  pageSize: number,
  addedAfter?: string,
): Promise<ClientRun> {
  const args = [
    script,
    `${node.node.operatorUrl}/taxii2/`,
    user,
    token,
    String(pageSize),
    ...(addedAfter ? [addedAfter] : []),
  ];
  const { stdout } = await promisify(execFile)(PYTHON, args, {
    env: { ...process.env, PYTHONPATH: join(VENDOR, 'cti-taxii-client') },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ClientRun;
}

/** HTTP Basic credentials for fetch(). */
export function basic(user: string, token: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` };
}
