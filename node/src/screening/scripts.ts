// Names written in other scripts, to Latin (docs/screening.md, "Scripts"). Libraries do the script
// conversion: pinyin-pro (Chinese, Simplified and Traditional, with the readings of characters in
// context), any-ascii (Korean, by syllable), transliteration (Cyrillic and every other script). Own
// tables only where those have a gap, each named where it is:
// - Cyrillic: transliteration writes Х as H and Ukrainian и, г as Russian i, g; BGN/PCGN, ALA-LC and
//   Ukrainian passports write Kh, y, h.
// - Arabic and Persian: every library writes consonants only and drops alef (ایران → yrn); names
//   need the long vowels, the article and the usual vowelling of the commonest name words.
// - Chinese: no library segments company names into words or renders them in Wade–Giles; the common
//   words of company names are also given in English, as lists write them.
// - Korean: one Revised Romanisation only; lists write North Korean names McCune–Reischauer-like
//   (Kim Jong Un, Pak Pong Ju) and South Korean surnames by convention (Lee, Park, Choi).
import anyAscii from 'any-ascii';
import { pinyin } from 'pinyin-pro';
import { transliterate } from 'transliteration';
import { CHINESE_WORDS, COMPOUND_SURNAMES, KOREAN_SURNAMES, wadeGiles } from './script-tables.js';

/** Latin renderings of a name: the first is the one a name is normalised with; others for other schemes. */
export function latinRenderings(raw: string): string[] {
  if (!/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(raw)) return [raw];
  raw = raw.replace(/\p{L}+/gu, homoglyphs);
  let out = [''];
  // runs of one script at a time; Latin, digits and punctuation pass through
  for (const [, run] of raw.matchAll(RUNS)) {
    const r = run!;
    const options = /\p{Script=Han}/u.test(r)
      ? chinese(r, raw)
      : /\p{Script=Hangul}/u.test(r)
        ? korean(r, raw)
        : /\p{Script=Arabic}/u.test(r)
          ? [arabic(r)]
          : /\p{Script=Cyrillic}/u.test(r)
            ? [cyrillic(r, raw)]
            : [transliterate(r)];
    out = out.flatMap((prefix) => options.map((o) => `${prefix} ${o} `));
    if (out.length > 4) out = out.slice(0, 4);
  }
  return [...new Set(out.map((s) => s.replace(/\s+/g, ' ').trim()))];
}

/**
 * Cyrillic letters that look like Latin ones, read as those inside a word that mixes both (Shenzhen Ditai Technology
 * Со., Ltd.).
 */
const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
};

function homoglyphs(word: string): string {
  if (!/\p{Script=Latin}/u.test(word) && !/^[А-Яа-я]{1,2}$/.test(word)) return word;
  const mapped = [...word].map((c) => LOOKALIKES[c] ?? c).join('');
  return /\p{Script=Cyrillic}/u.test(mapped) ? word : mapped;
}

/** Runs of one script: Han, Hangul, Arabic (with the zero-width non-joiner of Persian), Cyrillic, anything else. */
const RUNS = new RegExp(
  '(\\p{Script=Han}+|\\p{Script=Hangul}+|[\\p{Script=Arabic}\\u200c]+|\\p{Script=Cyrillic}+|' +
    '[^\\p{Script=Han}\\p{Script=Hangul}\\p{Script=Arabic}\\p{Script=Cyrillic}]+)',
  'gu',
);

/** Ukrainian letters: the text is Ukrainian, whose и, г, і, ї, є are written differently. */
const UKRAINIAN = /[іїєґІЇЄҐ]/;
const CYRILLIC_GAPS: Record<string, string> = { Х: 'Kh', х: 'kh', Ц: 'Ts', ц: 'ts' };
const UKRAINIAN_GAPS: Record<string, string> = {
  И: 'Y',
  и: 'y',
  Г: 'H',
  г: 'h',
  Ґ: 'G',
  ґ: 'g',
  Є: 'Ye',
  є: 'ye',
  Ї: 'Yi',
  ї: 'yi',
  І: 'I',
  і: 'i',
  Й: 'Y',
  й: 'y',
};

function cyrillic(run: string, whole: string): string {
  return transliterate(run, {
    replace: UKRAINIAN.test(whole) ? { ...CYRILLIC_GAPS, ...UKRAINIAN_GAPS } : CYRILLIC_GAPS,
  });
}

/**
 * Chinese: known words of company names (in English or as legal forms), places and the rest in pinyin, syllables of
 * a word together.
 */
function chinese(run: string, whole: string): string[] {
  // readings of the whole run at once: a character's reading depends on its neighbours (重庆 chongqing)
  const all = pinyin(run, { toneType: 'none', type: 'array', v: true }).map((x) => x.replace(/v/g, 'u'));
  const words: { from: number; to: number; en?: string }[] = [];
  let start = -1;
  const flush = (i: number) => {
    if (start >= 0) words.push({ from: start, to: i });
    start = -1;
  };
  for (let i = 0; i < run.length;) {
    // a place written with its administrative word (深圳市 Shenzhen City): the word ends there
    if ('市省县縣区區'.includes(run[i]!) && start >= 0) {
      flush(i);
      i++;
      continue;
    }
    const known = CHINESE_WORDS.find(([zh]) => run.startsWith(zh, i));
    if (known) {
      flush(i);
      words.push({ from: i, to: i + known[0].length, en: known[1] });
      i += known[0].length;
    } else {
      if (start < 0) start = i;
      i++;
    }
  }
  flush(run.length);
  // a person: two to four characters alone, none a word of company names: surname, then the given name in one word
  const person = run === whole.trim() && run.length >= 2 && run.length <= 4 && words.every((w) => w.en === undefined);
  const render = (syl: (s: string) => string) => {
    const join = (from: number, to: number) => all.slice(from, to).map(syl).join('');
    if (person) {
      const cut = COMPOUND_SURNAMES.some((x) => run.startsWith(x)) ? 2 : 1;
      return `${join(0, cut)} ${join(cut, run.length)}`;
    }
    return words.map((w) => w.en ?? join(w.from, w.to)).join(' ');
  };
  return [render((x) => x), render(wadeGiles)];
}

/** Korean: syllables by any-ascii; a person's name as surname and given name, in three usual ways. */
function korean(run: string, whole: string): string[] {
  // any-ascii writes ㄹ as l and final ㄱ, ㄷ, ㅂ as g, d, b; Revised Romanisation: r before a vowel, k, t, p at the end
  const syllables = anyAscii(run)
    .split(/(?=[A-Z])/)
    .map((s) =>
      s
        .toLowerCase()
        .replace(/^l/, 'r')
        .replace(/([^n])g$/, '$1k')
        .replace(/d$/, 't')
        .replace(/b$/, 'p'),
    )
    .filter(Boolean);
  const folded = (s: string) => s.replace(/yeo/g, 'yo').replace(/eo/g, 'o').replace(/eu/g, 'u');
  const unvoiced = (s: string) => s.replace(/^g/, 'k').replace(/^d/, 't').replace(/^b/, 'p');
  const person = run === whole.trim() && syllables.length >= 2 && syllables.length <= 4;
  if (!person)
    return [syllables.join(''), syllables.map((s, i) => (i === 0 ? unvoiced(folded(s)) : folded(s))).join('')];
  const cut = syllables.length === 4 ? 2 : 1;
  const family = run.slice(0, cut);
  const given = syllables.slice(cut);
  const rr = `${syllables.slice(0, cut).join('')} ${given.join('')}`;
  // McCune–Reischauer as lists write it (no breves, no apostrophes): Kim Jong Un, Pak Pong Ju, Ri Su Yong
  const mrFamily = unvoiced(folded(syllables.slice(0, cut).join(''))).replace(/^l/, 'r');
  const mr = `${mrFamily} ${given.map((s, i) => (i === 0 ? unvoiced(folded(s)) : folded(s))).join(' ')}`;
  const conventional = KOREAN_SURNAMES[family];
  return [rr, mr, ...(conventional ? [`${conventional} ${given.join('')}`] : [])];
}

/** Arabic and Persian letters with the long vowels written (an own table: see the header). */
const ARABIC: Record<string, string> = {
  ا: 'a',
  أ: 'a',
  إ: 'i',
  آ: 'a',
  ء: '',
  ؤ: '',
  ئ: '',
  ب: 'b',
  ت: 't',
  ث: 'th',
  ج: 'j',
  ح: 'h',
  خ: 'kh',
  د: 'd',
  ذ: 'dh',
  ر: 'r',
  ز: 'z',
  س: 's',
  ش: 'sh',
  ص: 's',
  ض: 'd',
  ط: 't',
  ظ: 'z',
  ع: '',
  غ: 'gh',
  ف: 'f',
  ق: 'q',
  ك: 'k',
  ل: 'l',
  م: 'm',
  ن: 'n',
  ه: 'h',
  ة: 'a',
  ى: 'a',
  پ: 'p',
  چ: 'ch',
  ژ: 'zh',
  گ: 'g',
  ک: 'k',
  ۀ: 'eh',
  'َ': 'a',
  'ِ': 'i',
  'ُ': 'u',
  'ْ': '',
  'ً': 'an',
  'ٍ': 'in',
  'ٌ': 'un',
};
/** The commonest name words, vowelled as lists write them (the script leaves short vowels out). */
const ARABIC_WORDS: Record<string, string> = {
  محمد: 'muhammad',
  احمد: 'ahmad',
  أحمد: 'ahmad',
  محمود: 'mahmud',
  علي: 'ali',
  حسن: 'hasan',
  حسين: 'husayn',
  عبد: 'abd',
  الله: 'allah',
  بن: 'bin',
  ابن: 'ibn',
  ابو: 'abu',
  أبو: 'abu',
  عمر: 'umar',
  خالد: 'khalid',
  ابراهيم: 'ibrahim',
  إبراهيم: 'ibrahim',
  يوسف: 'yusuf',
  مصطفى: 'mustafa',
  سعيد: 'said',
  صالح: 'salih',
  جعفر: 'jafar',
  رضا: 'reza',
  مهدی: 'mahdi',
  مهدي: 'mahdi',
  حزب: 'hizb',
  بانک: 'bank',
};

function arabic(run: string): string {
  return run
    .replace(/\u200c/g, '')
    .split(/\s+/)
    .map((word) => {
      if (ARABIC_WORDS[word]) return ARABIC_WORDS[word];
      const [article, bare] = word.startsWith('ال') && word.length > 3 ? ['al-', word.slice(2)] : ['', word];
      // a word-initial alef before yeh or waw carries the long vowel i or u (ایران → iran)
      const stem = bare.replace(/^[اإ][يی]/, 'إ').replace(/^ا(?=و)/, '');
      if (ARABIC_WORDS[stem]) return article + ARABIC_WORDS[stem];
      let out = '';
      [...stem].forEach((ch, i, all) => {
        const shadda = all[i + 1] === 'ّ';
        if (ch === 'ّ') return;
        // waw and yeh: consonants at the start of a word or after a vowel letter, long vowels between consonants
        if (ch === 'و' || ch === 'ي' || ch === 'ی') {
          const consonant = i === 0 || /[اوىيی]/.test(all[i - 1] ?? '');
          out += consonant ? (ch === 'و' ? 'w' : 'y') : ch === 'و' ? 'u' : 'i';
          return;
        }
        const l = ARABIC[ch] ?? (/[\u064b-\u065f]/.test(ch) ? '' : transliterate(ch));
        out += shadda ? l + l : l;
      });
      return article + out;
    })
    .join(' ');
}
