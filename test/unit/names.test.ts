import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseName } from '../../node/src/screening/names.js';
import { nameSimilarity } from '../../node/src/screening/similarity.js';
import { DEFAULT_THRESHOLD as T } from '../../node/src/screening/service.js';
import { jaroWinkler, levenshtein, tokenSimilarity } from '../../node/src/screening/tokens.js';

const sim = (a: string, b: string) => nameSimilarity(normaliseName(a), normaliseName(b));

describe('name normalisation', () => {
  it.each([
    ['Harbourline Trading FZE', 'harbourline'],
    ['ООО «Островок Точные Приборы»', 'ostrovok pribory tochnye'],
    ['Ostrovok Tochnye Pribory LLC', 'ostrovok pribory tochnye'],
    ['Müller Präzision GmbH', 'muller prazision'],
    ['Bosphorus Cargo ve Lojistik Ltd. Şti.', 'bosphorus cargo lojistik'],
    ['Golden Reed Trading Co., Ltd.', 'golden reed'],
    ['Lumen Industrial Sdn. Bhd.', 'industrial lumen'],
    ['Veluwe Photonics B.V.', 'photonics veluwe'],
    ['ТОО «Степь Кемикал»', 'kemikal step'],
    ['Steppe Chemical LLP', 'chemical steppe'],
    ['Rheinventil GmbH', 'rheinventil'],
    ['ＡＢＣ　Ｌｔｄ', 'abc'],
  ])('%s → %s', (raw, key) => expect(normaliseName(raw).key).toBe(key));
  it('token order is irrelevant', () =>
    expect(normaliseName('Precision Ostrovok').key).toBe(normaliseName('Ostrovok Precision').key));
});

describe('ranking on hand-made cases', () => {
  it('Cyrillic and its Latin transliteration', () =>
    expect(sim('ООО «Островок Точные Приборы»', 'Ostrovok Tochnye Pribory LLC')).toBe(1));
  it('different transliteration schemes', () =>
    expect(sim('Ostrovok Tochnyye Pribory OOO', 'Ostrovok Tochnye Pribory')).toBeGreaterThan(0.8));
  it('Arabic given name variants', () => {
    expect(sim('Mohammed Al-Rashid', 'Muhammad Alrashid')).toBeGreaterThan(T);
    expect(sim('محمد الرشيد', 'Mohammed Al Rashid')).toBeGreaterThan(T);
  });
  it('legal-form noise does not matter', () => expect(sim('Harbourline Trading FZE', 'HARBOURLINE LLC')).toBe(1));
  it('spelling variants rank above unrelated names', () => {
    const variant = sim('Harbour Line Tech LLC', 'Harbourline Trading FZE');
    const unrelated = sim('Meridian Sat FZ-LLC', 'Harbourline Trading FZE');
    expect(variant).toBeGreaterThan(T);
    expect(unrelated).toBeLessThan(T);
    expect(variant).toBeGreaterThan(unrelated);
  });
  it('Jaro-Winkler reference values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('rosoboronexport', 'rosoboron export'.replace(' ', ''))).toBe(1);
  });
  it('an acronym matches the name it abbreviates', () => {
    expect(normaliseName('Islamic Revolutionary Guard Corps').initials).toBe('irgc');
    expect(normaliseName('National Iranian Oil Company').initials).toBe('nio nioc');
    // an acronym alone is no evidence enough to alert (the calibration found it so): ranked, below the threshold
    expect(sim('IRGC', 'Islamic Revolutionary Guard Corps')).toBeLessThan(T);
  });
  it('a joined Arabic article does not matter', () => {
    expect(normaliseName('AL-MUHAYSINI').key).toBe(normaliseName('ALMUHAYSINI').key);
    expect(sim('HABU, Muhammad', 'AL-HABU, Muhammad')).toBeGreaterThan(0.6);
  });
  it('numbers match exactly or not at all', () => {
    expect(normaliseName('717th Research Institute').key).toBe(normaliseName('717 Research Institute').key);
    expect(sim('CSIC 717th Research Institute', 'CSSC 719th Research Institute')).toBeLessThan(
      sim('CSIC 717th Research Institute', 'CSSC 717th Research Institute'),
    );
  });
  it('different names with the same consonants or a shared prefix do not match', () => {
    expect(tokenSimilarity('usman', 'yasmin')).toBe(0);
    expect(tokenSimilarity('valeryevna', 'valeryevich')).toBe(0);
    expect(tokenSimilarity('mohammed', 'muhammad')).toBeGreaterThanOrEqual(0.9);
    expect(tokenSimilarity('melcom', 'melkom')).toBeGreaterThanOrEqual(0.9);
  });
  it('a business descriptor weighs less than the distinctive word', () => {
    expect(sim('Badica Technology', 'BADICA')).toBeGreaterThan(sim('Badica Holz', 'BADICA'));
    expect(sim('Badica Holz', 'BADICA')).toBeLessThan(T);
  });
  it('spellings of other transliteration schemes (French, English, German; soft c; Slavic endings) match', () => {
    for (const [a, b] of [
      ['younous', 'yunus'],
      ['oumar', 'umar'],
      ['kassem', 'qasim'],
      ['calcimin', 'kalsimin'],
      ['kovalskiy', 'kovalsky'],
      ['aradah', 'arada'],
      ['djarrah', 'jarrah'],
      ['rouji', 'rougi'],
      ['finance', 'finans'],
    ])
      expect(tokenSimilarity(a!, b!), `${a} / ${b}`).toBeGreaterThanOrEqual(0.8);
    expect(sim('TRANSNEFT FINANCE LIMITED', 'TRANSNEFT FINANS, OOO')).toBeGreaterThan(T);
  });
  it('two neighbouring letters swapped is one edit', () => {
    expect(levenshtein('ahstari', 'ashtari')).toBe(1);
    expect(tokenSimilarity('ahstari', 'ashtari')).toBeGreaterThanOrEqual(0.85);
  });
  it("'Abd names are one form whatever the scheme: Abdul Hadi, Abdel Hadi, Abd al-Hadi, Abdulhadi", () => {
    const key = normaliseName('Abd al-Hadi').key;
    expect(key).toBe('abd alhadi');
    for (const n of ['Abdul Hadi', 'ABDEL HADI', 'Abd-al-Hadi', 'Abdulhadi', 'Abdelhadi'])
      expect(normaliseName(n).key, n).toBe(key);
    expect(normaliseName('Abdullah').key).toBe(normaliseName('Abdallah').key);
    expect(sim('ABDELNASSER, Hajji', "'ABD AL-NASIR, Hajji")).toBeGreaterThan(T);
  });
  it('neighbouring words written together match the one word', () => {
    expect(normaliseName('JA FAR, Abu').pairs).toContain('jafar');
    expect(sim("JA'FAR, Abu", 'JA FAR, Abu')).toBeGreaterThan(T);
  });
  it('bounded Levenshtein agrees with the full distance', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.nat(6), (a, b, max) => {
        const full = levenshtein(a, b);
        expect(levenshtein(a, b, max)).toBe(full > max ? max + 1 : full);
      }),
    );
  });
});

describe('name matching cost is bounded by the words of a name (issue 13: one string must not freeze the node)', () => {
  it("a partner's 500-character name of 250 one-letter words against a query of ten long words: the split-word search is skipped", () => {
    const crafted = normaliseName('a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(10).slice(0, 500));
    const query = normaliseName(
      'Harbourline Tradingco Westfield Northgate Eastbrook Southmoor Kingsway Queensbury Oakridge Pinecrest',
    );
    const least = (f: () => void) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        f();
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    // 150 ms each way before the bound (|one|·|two|² Levenshtein runs), about 5 ms after
    expect(least(() => nameSimilarity(query, crafted))).toBeLessThan(40);
    expect(least(() => nameSimilarity(crafted, query))).toBeLessThan(40);
  });
  it('split and joined words still match (and alert) in ordinary names', () => {
    const joined = nameSimilarity(normaliseName('Harbourline Trading'), normaliseName('Harbour Line Trading'));
    expect(joined).toBeGreaterThan(T);
    // without the joined-word match the pair scores as one shared word of two
    expect(joined).toBeGreaterThan(
      2 * nameSimilarity(normaliseName('Harbourline Trading'), normaliseName('Harbour Trading')),
    );
  });
});
