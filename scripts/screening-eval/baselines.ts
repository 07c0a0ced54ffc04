// Baselines measured in the same run as the matcher (docs/screening.md, "Evaluation"):
// exact match after normalisation, and a rapidfuzz-style token-sort ratio written here (rapidfuzz is a
// Python library; its token_sort_ratio is the normalised Indel similarity of the token-sorted strings,
// computed below with a bit-parallel LCS over every indexed name).
import { tokenSorted } from './difflib.js';

export interface Scored {
  party: string;
  score: number;
}

interface Entry {
  key: string;
  party: string;
}

/** Every name of an index, compared in full with each query (no candidate retrieval: an upper bound). */
export class TokenSortBaseline {
  private readonly entries: Entry[];
  private readonly exact = new Map<string, Set<string>>();
  constructor(names: { name: string; party: string }[]) {
    this.entries = names.map((n) => ({ key: tokenSorted(n.name), party: n.party }));
    for (const e of this.entries) this.exact.set(e.key, (this.exact.get(e.key) ?? new Set()).add(e.party));
  }

  /** Parties with a name equal to the query after normalisation (sorted tokens), leaving one name out. */
  exactParties(query: string, skip?: { party: string; name: string }): string[] {
    const key = tokenSorted(query);
    const out = new Set(this.exact.get(key) ?? []);
    if (skip && out.has(skip.party) && tokenSorted(skip.name) === key) {
      const others = this.entries.filter((e) => e.key === key && e.party === skip.party).length;
      if (others <= 1) out.delete(skip.party);
    }
    return [...out];
  }

  /** The best `k` parties by token-sort ratio (0..1), leaving out one name (the query itself). */
  top(query: string, k: number, skip?: { party: string; name: string }): Scored[] {
    const q = tokenSorted(query);
    const skipKey = skip ? tokenSorted(skip.name) : null;
    let skipped = false;
    const pm = patternMasks(q);
    const best = new Map<string, number>();
    for (const e of this.entries) {
      if (!skipped && skip && e.party === skip.party && e.key === skipKey) {
        skipped = true;
        continue;
      }
      const total = q.length + e.key.length;
      if (total === 0) continue;
      const s = (2 * lcsBits(pm, q.length, e.key)) / total;
      if (s > (best.get(e.party) ?? -1)) best.set(e.party, s);
    }
    return [...best]
      .map(([party, score]) => ({ party, score }))
      .sort((x, y) => y.score - x.score)
      .slice(0, k);
  }
}

type Masks = { words: number; masks: Map<number, Uint32Array> };

function patternMasks(a: string): Masks {
  const words = Math.max(1, Math.ceil(a.length / 32));
  const masks = new Map<number, Uint32Array>();
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    let m = masks.get(c);
    if (!m) masks.set(c, (m = new Uint32Array(words)));
    m[i >>> 5]! |= 1 << (i & 31);
  }
  return { words, masks };
}

let v = new Uint32Array(4);
/** LCS length by Hyyrö's bit-vector algorithm (V' = (V + U) | (V − U), U = V & match mask). */
function lcsBits(pm: Masks, m: number, b: string): number {
  if (m === 0 || b.length === 0) return 0;
  const w = pm.words;
  if (v.length < w) v = new Uint32Array(w);
  v.fill(0xffffffff, 0, w);
  for (let j = 0; j < b.length; j++) {
    const mask = pm.masks.get(b.charCodeAt(j));
    if (!mask) continue;
    let carry = 0;
    for (let k = 0; k < w; k++) {
      const vk = v[k]!;
      const u = (vk & mask[k]!) >>> 0;
      const sum = vk + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[k] = ((sum >>> 0) | (vk & ~u)) >>> 0;
    }
  }
  let zeros = 0;
  for (let i = 0; i < m; i++) if ((v[i >>> 5]! & (1 << (i & 31))) === 0) zeros++;
  return zeros;
}
