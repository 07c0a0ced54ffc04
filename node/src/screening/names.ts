// Name normalisation and similarity for screening (docs/protocol.md §7). Pure apart from the transliteration
// table (the `transliteration` package: Cyrillic, Arabic, CJK and others to Latin).
import { latinRenderings } from './scripts.js';
import { skeletonOf } from './tokens.js';

/** Legal-form words in many languages, after normalisation (lower case, Latin, no punctuation). */
const LEGAL_FORMS = new Set([
  'llc',
  'ltd',
  'limited',
  'co',
  'company',
  'corp',
  'corporation',
  'inc',
  'incorporated',
  'plc',
  'lp',
  'llp',
  'pte',
  'pvt',
  'private',
  'public',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'ohg',
  'ug',
  'ev',
  'sa',
  'sas',
  'sarl',
  'sl',
  'srl',
  'spa',
  'sca',
  'snc',
  'bv',
  'nv',
  'cv',
  'vof',
  'oy',
  'oyj',
  'ab',
  'as',
  'asa',
  'aps',
  'sp',
  'zoo',
  'ooo',
  'oao',
  'zao',
  'pao',
  'ao',
  'jsc',
  'cjsc',
  'ojsc',
  'pjsc',
  'tov',
  'too',
  'ip',
  'mchj',
  'chp',
  'fze',
  'fzco',
  'fzllc',
  'fz',
  'fzc',
  'wll',
  'est',
  'sprl',
  'sprlu',
  'kk',
  'gk',
  'kabushiki',
  'kaisha',
  'yugen',
  'sdn',
  'bhd',
  'tbk',
  'pt',
  'jsc',
  'ltda',
  'eireli',
  'sti',
  'as',
  'ltdsti',
  'youxiangongsi',
  'youxian',
  'gongsi',
  'trading',
  'group',
  'holding',
  'holdings',
  'the',
  'and',
  'of',
  've',
  'liability',
  'joint',
  'stock',
  'obshchestvo',
  'obshestvo',
  'ogranichennoi',
  'ogranichennoy',
  'otvetstvennostyu',
  'aktsionernoe',
  'aktsionernoye',
  'zakrytoe',
  'otkrytoe',
  'publichnoe',
  'tovarystvo',
  'obmezhenoyu',
  'vidpovidalnistyu',
  'sociedad',
  'anonima',
  'responsabilidad',
  'limitada',
  'sirketi',
  'anonim',
  'limited',
  'societe',
  'anonyme',
]);

/** Legal-form phrases removed before tokenising. */
const LEGAL_PHRASES: [RegExp, string][] = [
  [/\bsp\s*z\s*o\s*o\b/g, ' '],
  [/\bs\s*a\s*r\s*l\b/g, ' '],
  [/\bs\s*a\b/g, ' '],
  [/\bb\s*v\b/g, ' '],
  [/\bfz\s*llc\b/g, ' '],
  [/\byou xian gong si\b/g, ' '],
  [/\bgong si\b/g, ' '],
  [/\bltd\s*sti\b/g, ' '],
  [/\bde\s*c\s*v\b/g, ' '],
  [/\bde\s*r\s*l\b/g, ' '],
  [/\bs\s*de\s*p\s*r\b/g, ' '],
];

/**
 * Version of the normalisation and index terms below. A database indexed under another version is
 * re-derived at start (ScreeningService.reindexIfStale). Change it with any change that alters a
 * key, skeleton, acronym or term.
 */
export const NAME_FORMAT = '3';

export interface NormalisedName {
  /** Distinctive tokens, sorted (token order irrelevant). */
  tokens: string[];
  /** The tokens joined by one space: the indexed form. */
  key: string;
  /** Consonant skeletons of the tokens, for transliteration variants (Mohammed / Muhammad / mhmd). */
  skeleton: string;
  /**
   * Acronyms the name may be written as, space-separated: the initials of its words in written order
   * without and with legal-form words (Islamic Revolutionary Guard Corps → irgc; National Iranian Oil
   * Company → nio nioc). Empty for one-word names.
   */
  initials: string;
  /**
   * Neighbouring distinctive words written together, in written order (Ja Far → jafar, Abd
   * al-Nasir → abdalnasir): a name written as one word elsewhere finds them. Not stored.
   */
  pairs?: string[];
  /**
   * The family-name tokens when the name is written "SURNAME, Given names" (lists' convention for
   * people), space-separated; '' when unknown. A person's surname counts more than a given name.
   */
  surname?: string;
}

/** Words never part of an acronym. */
const CONNECTIVES = new Set([
  'of',
  'the',
  'and',
  'for',
  'de',
  'del',
  'des',
  'du',
  'la',
  'le',
  'der',
  'die',
  'und',
  'i',
  'y',
  'e',
  'et',
]);

/** Arabic articles written as separate words (Al-Rashid, Al Rashid, Alrashid): joined to the next word. */
const ARTICLES = new Set(['al', 'el', 'ul', 'ad', 'ash', 'az']);

export function normaliseName(raw: string): NormalisedName {
  return normaliseNames(raw)[0]!;
}

/** A name normalised once per Latin rendering (several for names in other scripts: scripts.ts). */
export function normaliseNames(raw: string): NormalisedName[] {
  const nfkc = raw.normalize('NFKC');
  // other scripts to Latin; Latin letters with diacritics are kept for the next step
  // eslint-disable-next-line no-control-regex -- the whole Latin range, from U+0000
  const renderings = /[^\u0000-\u024F\u1E00-\u1EFF]/.test(nfkc) ? latinRenderings(nfkc) : [nfkc];
  return renderings.map((r) => normaliseLatin(r, raw));
}

function normaliseLatin(latin: string, raw: string): NormalisedName {
  let s = latin;
  s = s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  s = s
    .replace(/[ß]/g, 'ss')
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'o')
    .replace(/[đ]/g, 'd')
    .replace(/[ł]/g, 'l')
    .replace(/[ı]/g, 'i');
  s = s.replace(/['’`ʼ]/g, '').replace(/[^a-z0-9]+/g, ' ');
  for (const [re, rep] of LEGAL_PHRASES) s = s.replace(re, rep);
  const written: string[] = [];
  for (const raw of splitTheophoric(s.split(' '))) {
    if (raw.length === 0) continue;
    const t = raw.replace(/^([0-9]+)(st|nd|rd|th)$/, '$1');
    const last = written.at(-1);
    if (last !== undefined && ARTICLES.has(last) && !LEGAL_FORMS.has(t)) written[written.length - 1] = last + t;
    else written.push(t);
  }
  const distinctive = written.filter((t) => !LEGAL_FORMS.has(t));
  const ordered = distinctive.length > 0 ? distinctive : written;
  const tokens = [...ordered].sort();
  const initialsOf = (ts: string[]) =>
    ts
      .filter((t) => !CONNECTIVES.has(t))
      .map((t) => t[0])
      .join('');
  const acronyms = new Set([initialsOf(ordered), initialsOf(written)].filter((a) => a.length >= 2));
  const pairs = ordered.slice(1).map((t, i) => ordered[i]! + t);
  const initials = ordered.length >= 2 ? [...acronyms].join(' ') : '';
  return {
    tokens,
    key: tokens.join(' '),
    skeleton: tokens.map(skeletonOf).join(' '),
    initials,
    pairs,
    surname: surnameOf(raw, tokens),
  };
}

/**
 * "SURNAME, Given names": one or two words before a single comma and one to four after, none of them
 * a legal form (ACME, LTD is a company). Returns the surname's tokens as normalised, or ''.
 */
function surnameOf(raw: string, tokens: string[]): string {
  const parts = raw.split(',');
  if (parts.length !== 2) return '';
  const before = normaliseWords(parts[0]!);
  const after = normaliseWords(parts[1]!);
  if (before.length < 1 || before.length > 2 || after.length < 1 || after.length > 4) return '';
  if ([...before, ...after].some((t) => LEGAL_FORMS.has(t) || /[0-9]/.test(t))) return '';
  const family = before.length === 2 && ARTICLES.has(before[0]!) ? [before.join('')] : before;
  return family.every((t) => tokens.includes(t)) ? family.join(' ') : '';
}

function normaliseWords(s: string): string[] {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`ʼ]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Arabic names with 'Abd ("servant of") written in the schemes' different ways — Abdul Hadi, Abdel
 * Hadi, Abd al-Hadi, Abdulhadi, Abdelnasser, Abdallah, Abdullah — all as "abd" and the article
 * joined to the name that follows (abd alhadi, abd alnasser, abd allah).
 */
function splitTheophoric(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const joined = /^abd(?:ul|el|al|ol|oul)([a-z]{3,})$/.exec(w);
    if (joined) {
      out.push('abd', `al${joined[1]!.replace(/^(?:al|el|ul|l)(?=[a-z]{3})/, '')}`);
      continue;
    }
    if (
      /^abd(?:ul|el|al|ol|oul)$/.test(w) &&
      i + 1 < words.length &&
      /^[a-z]{3,}$/.test(words[i + 1]!) &&
      !ARTICLES.has(words[i + 1]!)
    ) {
      out.push('abd', 'al');
      continue;
    }
    out.push(w);
  }
  return out;
}
