// Screening (docs/protocol.md §7): every name variant of every party of every held record (own and received)
// and of imported reference lists is indexed under terms (tokens, consonant skeletons, acronyms,
// joined words) with their document frequency, and in an FTS5 trigram index for spelling variants.
// Candidates come from the query's rarer terms (weighted by rarity) and its rarest trigrams; they are
// ranked by a name similarity that weighs each word by its rarity in the index and tolerates spelling
// variants, reordering, legal-form noise and transliteration, then adjusted by country and identifier
// evidence.
// The index lags ingest (records are queued in the ingest transaction and indexed by a worker) so
// that screening never slows replication; `entente_screening_queue` shows the lag.
import { AppError } from '../domain/errors.js';
import { normaliseName, normaliseNames, type NormalisedName } from './names.js';
import { CALIBRATION } from './calibration.js';
import { identKeys, ScreeningIndexer } from './indexer.js';
import { checkApplication, type ApplicationResult } from './application.js';
import { candidateName, scoreCandidate, type Explanation, type ScreenParty } from './evidence.js';
import { compareNames, descriptorFactor, nameScore, type NameComparison } from './similarity.js';
import { queryTerms, trigrams } from './terms.js';
import { skeletonOf } from './tokens.js';
import { isTerminal } from '../domain/record-rules.js';
export type { ScreenParty } from './evidence.js';
import type { RecordType } from '../domain/redaction.js';
import type { Json } from '../domain/validation.js';
import type { Dismissal, ScreenEntryRow, ScreeningStore as Store } from '../store/screening.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';

export interface Hit {
  /** Stable reference to the party hit: `record|<id>|<partyIndex>` or `list|<list>|<ref>`. */
  target: string;
  /** The viewer's own dismissal: the hit is left out for this viewer unless `includeDismissed`. */
  dismissed?: Dismissal;
  /** Other tokens' dismissals of this hit for this input: a label, the hit still alerts. */
  dismissedBy?: Dismissal[];
  linkedFrom?: string;
  score: number;
  matchedName: string;
  matchedNameType: string;
  explanation: Explanation;
  source:
    | {
        kind: 'record';
        id: string;
        origin: string;
        type: string;
        role: string | null;
        status: string;
        recalled: boolean;
        active: boolean;
        labels: string[];
      }
    | { kind: 'reference-list'; list: string; ref: string };
}

/** The score at and above which a hit alerts, unless a request asks otherwise (chosen by the calibration). */
export const DEFAULT_THRESHOLD = CALIBRATION.threshold;

export interface ScreenOptions {
  threshold?: number;
  limit?: number;
  includeInactive?: boolean;
  /** Also return hits the viewer dismissed as false positives for this input (flagged). */
  includeDismissed?: boolean;
  /**
   * Who is screening (`token:<name>`): their own dismissals hide hits; other tokens' dismissals only
   * label them. Without a viewer every hit is shown, labelled.
   */
  viewer?: string;
}

/** Rows ranked by name similarity per query: the best by term rarity plus the best by trigrams. */
const CANDIDATES = 150;
const TRIGRAM_CANDIDATES = 30;
const MAX_QUERY_TRIGRAMS = 8;
/**
 * Trigrams of at most this many of the query's rarest words; a trigram in more than this share of the index (and at
 * least the floor) is not used.
 */
const TRIGRAM_WORDS = 3;
const COMMON_TRIGRAM = 0.002;
const COMMON_TRIGRAM_FLOOR = 200;
/**
 * A term in more than this share of the index (and at least `COMMON_TERM_FLOOR` names) finds no candidates by
 * itself.
 */
const COMMON_TERM = 0.02;
const COMMON_TERM_FLOOR = 200;
/** Rows read per term. */
const POSTINGS = 5000;
/** How long a trigram's document frequency is reused. */
const TRIGRAM_DF_TTL_MS = 60_000;
/** Trigrams in fewer names than this are counted afresh every time. */
const TRIGRAM_DF_REMEMBER = 100;

export class ScreeningService {
  onLatency: ((seconds: number) => void) | null = null;

  /**
   * Document frequencies of trigrams, remembered for TRIGRAM_DF_TTL_MS. FTS5 counts a trigram's
   * documents by walking its whole document list, which for the common trigrams of a million names
   * was most of a slow query; the counts only choose which trigrams to search by, so a minute-old
   * count of a common trigram is good enough.
   */
  private readonly trigramDf = new Map<string, { n: number; at: number }>();

  private readonly indexer: ScreeningIndexer;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly selfNodeId = '',
  ) {
    this.indexer = new ScreeningIndexer(store);
  }

  queueLength(): number {
    return this.store.screening.queueLength();
  }

  /** Indexes queued records (their current versions); returns how many were indexed. */
  indexPending(limit = 2000): number {
    return this.indexer.indexPending(limit);
  }

  /** Re-derives the index when the name normalisation changed since it was built (indexer.ts). */
  reindexIfStale(progress: (line: string) => void = () => {}): number {
    return this.indexer.reindexIfStale(progress);
  }

  /** Rebuilds the index from scratch (`entente screen-index-rebuild`); returns the record names indexed. */
  rebuild(): number {
    return this.indexer.rebuild();
  }

  /** Screens parties; per input party the hits above the threshold, best first. */
  screen(parties: ScreenParty[], o: ScreenOptions = {}): { input: ScreenParty; hits: Hit[] }[] {
    const started = performance.now();
    while (this.indexPending() > 0) {
      /* the index catches up before answering */
    }
    const threshold = o.threshold ?? DEFAULT_THRESHOLD;
    const limit = Math.min(Math.max(o.limit ?? 10, 1), 100);
    const out = parties.map((p) => ({
      input: p,
      hits: this.remember(p, this.screenOne(p, threshold, limit, o.includeInactive ?? false), o),
    }));
    this.onLatency?.((performance.now() - started) / 1000);
    return out;
  }

  private screenOne(p: ScreenParty, threshold: number, limit: number, includeInactive: boolean): Hit[] {
    const idents = identKeys(p.identifiers ?? []);
    // the best name per party (source, record or list entry, party index)
    const best = new Map<string, Hit>();
    for (const { row, comparison, identical } of this.compareCandidates(p)) {
      const shared = identical ? (JSON.parse(row.identifiers) as string[]).filter((x) => idents.includes(x)) : [];
      const hit = this.hit(row, scoreCandidate(comparison, p, row, shared));
      if (!hit || hit.score < threshold) continue;
      if (hit.source.kind === 'record' && !hit.source.active && !includeInactive) continue;
      const k = `${row.source}\u0000${row.record_id ?? row.list_ref}\u0000${row.party_index}`;
      const prev = best.get(k);
      if (!prev || hit.score > prev.score) best.set(k, hit);
    }
    return [...best.values()].sort((x, y) => y.score - x.score || (x.target < y.target ? -1 : 1)).slice(0, limit);
  }

  /**
   * Every candidate name for a party, compared with it: the ranking's inputs (the calibration reads
   * them too). Terms find names sharing words (exactly, by skeleton, acronym, joined); trigrams find
   * spelling variants; identifiers find the same identifier.
   */
  compareCandidates(p: ScreenParty): { row: ScreenEntryRow; comparison: NameComparison; identical: boolean }[] {
    // a name in another script is looked up in each of its Latin renderings, each row compared with the closest
    const renderings = normaliseNames(p.name);
    const q = renderings[0]!;
    const n = Math.max(1, this.store.screening.entryCount());
    const ids = new Set<number>();
    for (const r of renderings) {
      const byTerms = r.key ? this.termCandidates(r, n) : { rows: [], rarestWords: [] };
      for (const id of [...byTerms.rows, ...this.trigramCandidates(byTerms.rarestWords, n)]) ids.add(id);
    }
    const byIdent = new Set(this.store.screening.byIdentifier(identKeys(p.identifiers ?? [])));
    for (const r of byIdent) ids.add(r);
    // rows of a list version not in force (an import under way, or superseded) are not seen
    const versions = this.store.referenceLists.versions();
    const rows = this.store.screening.rows([...ids]).filter((r) => {
      const v = versions.get(r.source) ?? 0;
      return r.list_from <= v && (r.list_to === null || r.list_to > v);
    });
    const weight = this.tokenWeights(q, rows, n, renderings);
    return rows.map((row) => {
      const cand = candidateName(row);
      const comparisons = renderings.map((r) => compareNames(r, cand, weight));
      const comparison = comparisons.reduce((b, c) => (nameScore(c) > nameScore(b) ? c : b));
      return { row, comparison, identical: byIdent.has(row.row_id) };
    });
  }

  /**
   * Candidates by terms: each row indexed under a query term gains that term's rarity (inverse
   * document frequency); terms in more than `COMMON_TERM` of the index only count when the query has
   * nothing rarer. The best `CANDIDATES` rows by summed rarity.
   */
  private termCandidates(q: NormalisedName, n: number): { rows: number[]; rarestWords: string[] } {
    const terms = queryTerms(q);
    const df = this.store.screening.termCounts(terms);
    const present = terms.filter((t) => df.get(t)! > 0).sort((x, y) => df.get(x)! - df.get(y)!);
    const cap = Math.max(COMMON_TERM_FLOOR, n * COMMON_TERM);
    const usable = present.filter((t, i) => i === 0 || df.get(t)! <= cap);
    const sum = new Map<number, number>();
    for (const t of usable) {
      const idf = Math.log(1 + n / df.get(t)!);
      for (const r of this.store.screening.postings(t, POSTINGS)) sum.set(r, (sum.get(r) ?? 0) + idf);
    }
    const rarestWords = [...q.tokens]
      .sort((x, y) => df.get(`t:${x}`)! - df.get(`t:${y}`)! || y.length - x.length)
      .slice(0, TRIGRAM_WORDS);
    return {
      rows: [...sum]
        .sort((x, y) => y[1] - x[1] || x[0] - y[0])
        .slice(0, CANDIDATES)
        .map(([r]) => r),
      rarestWords,
    };
  }

  /**
   * Candidates by trigrams (FTS5, ranked by bm25), for spelling variants that share no term: the
   * rarest trigrams of the query's rarest words and their skeletons, leaving out trigrams too common
   * to select anything (their ranking is what made a million names slow).
   */
  private trigramCandidates(words: string[], n: number): number[] {
    const grams = new Set<string>();
    for (const t of words) for (const g of [...trigrams(t), ...trigrams(skeletonOf(t))]) grams.add(g);
    const df = this.trigramFrequencies([...grams]);
    const cap = Math.max(COMMON_TRIGRAM_FLOOR, n * COMMON_TRIGRAM);
    const chosen = [...grams]
      .filter((g) => (df.get(g) ?? 0) > 0 && df.get(g)! <= cap)
      .sort((x, y) => df.get(x)! - df.get(y)!)
      .slice(0, MAX_QUERY_TRIGRAMS);
    const match = chosen.map((g) => `"${g.replace(/"/g, '""')}"`).join(' OR ');
    return match ? this.store.screening.candidates(match, TRIGRAM_CANDIDATES) : [];
  }

  private trigramFrequencies(grams: string[]): Map<string, number> {
    const now = this.clock.now();
    // bounded: emptied before deciding what is stale, so that every count read below is here
    if (this.trigramDf.size > 100_000) this.trigramDf.clear();
    const stale = grams.filter((g) => !(now - (this.trigramDf.get(g)?.at ?? -Infinity) < TRIGRAM_DF_TTL_MS));
    const fresh = stale.length > 0 ? this.store.screening.termFrequencies(stale) : new Map<string, number>();
    // only counts worth remembering: a rare trigram is cheap to count again, and a name indexed a
    // moment ago must be found by it at once
    for (const [g, n] of fresh) if (n >= TRIGRAM_DF_REMEMBER) this.trigramDf.set(g, { n, at: now });
    return new Map(grams.map((g) => [g, fresh.get(g) ?? this.trigramDf.get(g)!.n]));
  }

  /**
   * Token weights for ranking: rarity in the index (inverse document frequency), less for one- and two-letter
   * tokens.
   */
  private tokenWeights(
    q: NormalisedName,
    rows: ScreenEntryRow[],
    n: number,
    more: NormalisedName[] = [],
  ): (token: string) => number {
    const tokens = new Set([...q.tokens, ...more.flatMap((m) => m.tokens)]);
    for (const r of rows) for (const t of r.key.split(' ')) tokens.add(t);
    const df = this.store.screening.termCounts([...tokens].map((t) => `t:${t}`));
    // rarity in index units: 1 for a word in one name, less the commoner it is (log n ≥ log 2)
    const scale = Math.log(1 + Math.max(n, 1));
    return (t) =>
      (Math.log(1 + n / Math.max(1, df.get(`t:${t}`) ?? 1)) / scale) * Math.min(1, t.length / 3) * descriptorFactor(t);
  }

  /** Input key for analyst memory: the normalised name and the country given. */
  inputKey(p: ScreenParty): string {
    return `${normaliseName(p.name).key}|${p.country ?? ''}`;
  }

  /**
   * Applies analyst memory: links add the linked parties; the viewer's own dismissals drop hits unless
   * asked for; other tokens' dismissals label them ("dismissed by …") and they still alert.
   */
  private remember(p: ScreenParty, hits: Hit[], o: ScreenOptions): Hit[] {
    const seen = new Set(hits.map((h) => h.target));
    const added: Hit[] = [];
    const q = normaliseName(p.name);
    const n = Math.max(1, this.store.screening.entryCount());
    for (const h of hits) {
      for (const t of this.store.screening.linked(h.target)) {
        if (seen.has(t)) continue;
        const rows = this.store.screening.rows(this.store.screening.entriesOf(t));
        const row = rows.find((r) => r.name_type === 'PRIMARY') ?? rows[0];
        if (!row) continue;
        const linked = this.hit(
          row,
          scoreCandidate(compareNames(q, candidateName(row), this.tokenWeights(q, [row], n)), p, row, []),
        );
        if (!linked) continue;
        seen.add(t);
        added.push({
          ...linked,
          score: h.score,
          linkedFrom: h.target,
          explanation: { ...linked.explanation, name: h.explanation.name },
        });
      }
    }
    const dismissals = this.store.screening.dismissed(this.inputKey(p));
    const labelled = (h: Hit): Hit => {
      const all = dismissals.get(h.target) ?? [];
      const mine = o.viewer === undefined ? undefined : all.find((d) => d.by === o.viewer);
      const others = all.filter((d) => d !== mine);
      return { ...h, ...(mine ? { dismissed: mine } : {}), ...(others.length ? { dismissedBy: others } : {}) };
    };
    return [...hits, ...added]
      .map(labelled)
      .filter((h) => o.includeDismissed || !h.dismissed)
      .sort((x, y) => y.score - x.score);
  }

  /** Dismisses a hit as a false positive for this input, for the token `by` alone (audited). */
  dismiss(p: ScreenParty, target: string, by: string, note: string | null): void {
    this.store.tx(() => {
      this.store.screening.dismiss(this.inputKey(p), target, by, new Date(this.clock.now()).toISOString(), note);
      this.audit.append({
        action: 'screening.false-positive',
        actor: by,
        subject: target,
        details: { input: this.inputKey(p), note },
      });
    });
  }

  /** Withdraws the token's own dismissal of a hit for this input (audited); not-found when it has none. */
  undismiss(p: ScreenParty, target: string, by: string): void {
    this.store.tx(() => {
      if (!this.store.screening.undismiss(this.inputKey(p), target, by)) {
        throw new AppError('not-found', 'you have not dismissed this hit for this input');
      }
      this.audit.append({
        action: 'screening.false-positive-undone',
        actor: by,
        subject: target,
        details: { input: this.inputKey(p) },
      });
    });
  }

  link(a: string, b: string, by: string, note: string | null): void {
    if (this.store.screening.entriesOf(a).length === 0 || this.store.screening.entriesOf(b).length === 0)
      throw new AppError('not-found', 'both parties must be in the screening index');
    this.store.tx(() => {
      this.store.screening.link(a < b ? a : b, a < b ? b : a, by, new Date(this.clock.now()).toISOString(), note);
      this.audit.append({ action: 'screening.link', actor: by, subject: a, details: { b } });
    });
  }

  private hit(row: ScreenEntryRow, { score, explanation }: { score: number; explanation: Explanation }): Hit | null {
    if (row.source === 'record') {
      const st = this.store.screening.recordState(row.record_id!);
      if (!st) return null;
      const active = !st.recalled && !isTerminal(st.type as RecordType, st.status);
      // a received version that broke a cross-version rule is labelled until an analyst reviews it
      const labels = st.review ? ['cross-version-violation'] : [];
      return {
        target: `record|${row.record_id}|${row.party_index}`,
        score,
        matchedName: row.name,
        matchedNameType: row.name_type,
        explanation,
        source: {
          kind: 'record',
          id: row.record_id!,
          origin: st.origin,
          type: st.type,
          role: row.party_role,
          status: st.status,
          recalled: st.recalled === 1,
          active,
          labels,
        },
      };
    }
    return {
      target: `list|${row.source.slice('list:'.length)}|${row.list_ref ?? ''}`,
      score,
      matchedName: row.name,
      matchedNameType: row.name_type,
      explanation,
      source: { kind: 'reference-list', list: row.source.slice('list:'.length), ref: row.list_ref ?? '' },
    };
  }

  /** Screens a licence application: its parties, and essentially identical transaction candidates (application.ts). */
  screenApplication(app: Record<string, Json>, o: ScreenOptions = {}): ApplicationResult {
    return checkApplication(app, o, {
      screen: (parties, opts) => this.screen(parties, opts),
      body: (id) => this.store.records.currentVersion(id)?.body,
      selfNodeId: this.selfNodeId,
    });
  }
}
