// False-positive sets (docs/screening.md, "Evaluation"): the primary names of one list's parties
// screened against an index of another list, leaving out the parties that are on the indexed list too
// (one of their names equal to an indexed name after either normalisation).
import { normaliseName } from '../../node/src/screening/names.js';
import type { EvalParty } from './data.js';
import { tokenSorted } from './difflib.js';

export interface FpSet {
  label: string;
  indexed: EvalParty[];
  queries: { name: string; party: string }[];
}

const TREASURY = new Set(['SDN', 'SSI', 'CAP', 'CMIC', 'PLC', 'NS-MBS', 'FSE']);

function notOn(indexed: EvalParty[], candidates: EvalParty[]): { name: string; party: string }[] {
  const keys = new Set<string>();
  for (const p of indexed) for (const n of p.names) keys.add(normaliseName(n).key).add(`~${tokenSorted(n)}`);
  return candidates
    .filter((p) => !p.names.some((n) => keys.has(normaliseName(n).key) || keys.has(`~${tokenSorted(n)}`)))
    .map((p) => ({ name: p.names[0]!, party: p.id }));
}

export function crossListSets(csl: EvalParty[], nsfreg: EvalParty[]): FpSet[] {
  const treasury = csl.filter((p) => TREASURY.has(p.list));
  const other = csl.filter((p) => !TREASURY.has(p.list));
  const sets: FpSet[] = [
    {
      label: 'CSL BIS and State parties against the CSL Treasury lists (SDN…)',
      indexed: treasury,
      queries: notOn(treasury, other),
    },
  ];
  const el = nsfreg.filter((p) => p.list === 'bis-entity-list');
  if (el.length > 0)
    sets.push({
      label: 'CSL Treasury parties against the 2026 BIS Entity List',
      indexed: el,
      queries: notOn(el, treasury),
    });
  return sets;
}
