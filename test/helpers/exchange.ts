// Agreements and delivery helpers for federation tests.
import { day } from './dates.js';
import { example } from './examples.js';
import type { TestNode } from './nodes.js';

/** An example agreement re-addressed to `partner`, valid from a year ago for three years unless overridden. */
export function agreement(
  name: 'agreement-wide' | 'agreement-redacting' | 'agreement-findings-only',
  partner: string,
  overrides: Record<string, unknown> = {},
): Record<string, any> {
  const a = example(name);
  delete a.version;
  return { ...a, partner, validFrom: day(-365), validUntil: day(3 * 365), ...overrides };
}

/** Pushes from `from` to `to` until `to` acknowledged everything. */
export async function push(from: TestNode, to: TestNode): Promise<void> {
  await from.node.services.links.flush(to.nodeId);
}

/** `to` pulls `from`'s feed until it has no more. */
export async function pull(to: TestNode, from: TestNode): Promise<{ pages: number; items: number }> {
  return to.node.services.links.pull(from.nodeId);
}

export async function receivedAt(node: TestNode, origin: string): Promise<Record<string, any>[]> {
  const r = await node.op('GET', `/admin/v1/records?origin=${origin}&limit=1000`);
  return r.body.items;
}

export function dbDump(node: TestNode): string {
  const db = node.node.store.db;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (t) => t.name,
  );
  return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
}
