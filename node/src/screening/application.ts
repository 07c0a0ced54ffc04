// The application check: a licence application's parties screened, and the partner denials that make
// it an essentially identical transaction (docs/protocol.md, "Screening").
import { normaliseControlRef, type ControlRef } from '../domain/control-codes.js';
import { asArray, isObject, type Json } from '../domain/validation.js';
import type { ScreenParty } from './evidence.js';
import type { Hit, ScreenOptions } from './service.js';

export interface ApplicationDeps {
  screen(parties: ScreenParty[], o: ScreenOptions): { input: ScreenParty; hits: Hit[] }[];
  /** The current version's body of a held record. */
  body(id: string): string | undefined;
  selfNodeId: string;
}

export interface ApplicationResult {
  parties: { role: string; name: string; hits: Hit[] }[];
  candidates: Candidate[];
}

export interface Candidate {
  denial: {
    id: string;
    origin: string;
    originatorReference: string;
    status: string;
    listBasis: string;
    labels: string[];
  };
  catchAll: boolean;
  party: {
    applicationRole: string;
    applicationName: string;
    denialRole: string | null;
    matchedName: string;
    score: number;
  } | null;
  control: string | null;
  destination: string | null;
  essentiallyIdentical: boolean;
  score: number;
}

/** Token overlap of two free texts after normalisation (technical parameters), 0..1. */
export function textSimilarity(a: string, b: string): number {
  const tok = (s: string) =>
    new Set(
      s
        .toLowerCase()
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .split(/[^a-z0-9.]+/)
        .filter((t) => t.length > 1),
    );
  const x = tok(a);
  const y = tok(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / Math.min(x.size, y.size);
}

/** The normalised control codes of a list of items (UNLISTED and unknown schemes left out). */
function controlCodes(items: Record<string, Json>[]): string[] {
  return items.flatMap((it) =>
    asArray(it.controlRefs)
      .filter(isObject)
      .map((r) => normaliseControlRef(r as unknown as ControlRef))
      .filter((x): x is string => x !== null),
  );
}

/**
 * Screens a licence application (docs/protocol.md §7): its parties, and the partner denials that make it an
 * essentially identical transaction candidate — a matching consignee or end user, the same or a
 * parent/child control entry (for catch-all denials: the same HS heading and similar technical
 * parameters of their UNLISTED items, labelled catch-all), and the same destination.
 */
export function checkApplication(
  app: Record<string, Json>,
  o: ScreenOptions,
  deps: ApplicationDeps,
): ApplicationResult {
  const entries = asArray(app.parties).filter(isObject);
  const inputs = entries.map((e) => {
    const party = isObject(e.party) ? e.party : {};
    const primary = asArray(party.names).find((n) => isObject(n) && n.type === 'PRIMARY') ?? asArray(party.names)[0];
    const name = isObject(primary) && typeof primary.value === 'string' ? primary.value : '';
    const country = asArray(party.addresses)
      .map((a) => (isObject(a) ? a.country : undefined))
      .find((c): c is string => typeof c === 'string');
    return {
      role: String(e.role ?? 'OTHER'),
      party: {
        name,
        ...(country ? { country } : {}),
        identifiers: asArray(party.identifiers)
          .filter(isObject)
          .map((i) => ({ scheme: String(i.scheme), value: String(i.value) })),
      },
    };
  });
  const results = deps.screen(
    inputs.map((i) => i.party).filter((p) => p.name),
    o,
  );
  const parties = inputs
    .filter((i) => i.party.name)
    .map((i, k) => ({ role: i.role, name: i.party.name, hits: results[k]!.hits }));
  const appItems = asArray(app.items).filter(isObject);
  const appCodes = controlCodes(appItems);
  const byDenial = new Map<string, Candidate>();
  const bodies = new Map<string, Record<string, Json>>();
  for (const p of parties) {
    if (p.role !== 'CONSIGNEE' && p.role !== 'END_USER' && p.role !== 'INTERMEDIATE_CONSIGNEE') continue;
    for (const h of p.hits) {
      if (h.source.kind !== 'record' || h.source.type !== 'denial' || h.source.origin === deps.selfNodeId) continue;
      if (h.source.role !== 'CONSIGNEE' && h.source.role !== 'END_USER') continue;
      let d = bodies.get(h.source.id);
      if (!d) {
        const body = deps.body(h.source.id);
        if (!body) continue;
        d = JSON.parse(body) as Record<string, Json>;
        bodies.set(h.source.id, d);
      }
      const c = byDenial.get(h.source.id) ?? {
        denial: {
          id: h.source.id,
          origin: h.source.origin,
          originatorReference: String(d.originatorReference),
          status: h.source.status,
          listBasis: String(d.listBasis),
          labels: h.source.labels,
        },
        catchAll: d.listBasis !== 'LISTED',
        party: null,
        control: null,
        destination: null,
        essentiallyIdentical: false,
        score: 0,
      };
      if (!c.party || h.score > c.party.score)
        c.party = {
          applicationRole: p.role,
          applicationName: p.name,
          denialRole: h.source.role,
          matchedName: h.matchedName,
          score: h.score,
        };
      byDenial.set(h.source.id, c);
    }
  }
  const updatedAt = new Map<string, string>();
  for (const c of byDenial.values()) {
    const d = bodies.get(c.denial.id)!;
    updatedAt.set(c.denial.id, String(d.updatedAt ?? ''));
    c.destination =
      d.destinationCountry === app.destinationCountry ? `same destination ${String(app.destinationCountry)}` : null;
    const dItems = asArray(d.items).filter(isObject);
    const dCodes = controlCodes(dItems);
    const pair = appCodes
      .flatMap((a) => dCodes.map((b) => [a, b] as const))
      .find(([a, b]) => a === b || a.startsWith(b) || b.startsWith(a));
    if (pair)
      c.control =
        pair[0] === pair[1] ? `same control entry ${pair[0]}` : `parent/child control entries ${pair[0]} ~ ${pair[1]}`;
    else if (c.catchAll) {
      // catch-all: HS heading equality plus technical-parameter similarity of the UNLISTED items
      const heading = (it: Record<string, Json>) =>
        asArray(it.commodityCodes)
          .filter(isObject)
          .map((cc) => String(cc.code).slice(0, 4));
      for (const di of dItems.filter((it) =>
        asArray(it.controlRefs).some((r) => isObject(r) && r.scheme === 'UNLISTED'),
      )) {
        for (const ai of appItems) {
          const shared = heading(di).find((h) => heading(ai).includes(h));
          const tech = textSimilarity(
            String(di.technicalParameters ?? di.description ?? ''),
            String(ai.technicalParameters ?? ai.description ?? ''),
          );
          if (shared && tech >= 0.3)
            c.control = `catch-all: same HS heading ${shared}, technical parameters similar (${tech.toFixed(2)})`;
        }
      }
    }
    c.essentiallyIdentical = !!(c.party && c.control && c.destination);
    c.score = Math.round((((c.party?.score ?? 0) + (c.control ? 1 : 0) + (c.destination ? 1 : 0)) / 3) * 1000) / 1000;
  }
  // equal scores: the most recently updated denial first, then by id, so one answer every time
  const candidates = [...byDenial.values()]
    .filter((c) => c.control !== null)
    .sort(
      (x, y) =>
        y.score - x.score ||
        updatedAt.get(y.denial.id)!.localeCompare(updatedAt.get(x.denial.id)!) ||
        (x.denial.id < y.denial.id ? -1 : 1),
    );
  return { parties, candidates };
}
