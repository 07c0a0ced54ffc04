// Identifier patterns, read from schemas/common.schema.json: defined there once, used here by the
// code that checks identifiers outside a schema (route parameters, certificates, URNs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasDir } from './registry.js';

const defs = (
  JSON.parse(readFileSync(join(schemasDir(), 'common.schema.json'), 'utf8')) as {
    $defs: Record<string, { pattern?: string }>;
  }
).$defs;

function pattern(name: string): string {
  const p = defs[name]?.pattern;
  if (!p) throw new Error(`common.schema.json: $defs/${name} has no pattern`);
  return p;
}

/** A pattern without its anchors, to compose into another. */
function inner(name: string): string {
  return pattern(name).replace(/^\^/, '').replace(/\$$/, '');
}

export const NODE_ID = new RegExp(pattern('NodeId'), 'u');
export const RECORD_ID = new RegExp(pattern('RecordId'), 'u');
export const CONSULTATION_ID = new RegExp(pattern('ConsultationId'), 'u');
/** `urn:entente:<NodeId>:` at the start of an id; group 1 is the node id. */
export const URN_NODE = new RegExp(`^urn:entente:(${inner('NodeId')}):`, 'u');
