// Names in other scripts match their Latin renderings under the usual schemes, and each other
// (docs/screening.md, "Scripts"). A pair matches when its best rendering scores at the default threshold.
import { describe, expect, it } from 'vitest';
import { normaliseNames } from '../../node/src/screening/names.js';
import { latinRenderings } from '../../node/src/screening/scripts.js';
import { DEFAULT_THRESHOLD } from '../../node/src/screening/service.js';
import { nameSimilarity } from '../../node/src/screening/similarity.js';

const best = (a: string, b: string) =>
  Math.max(...normaliseNames(a).flatMap((x) => normaliseNames(b).map((y) => nameSimilarity(x, y))));

function matches(original: string, renderings: string[]): void {
  for (const latin of renderings)
    expect(best(original, latin), `${original} / ${latin}`).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
}

describe('names in other scripts', () => {
  it('Cyrillic: BGN/PCGN, ALA-LC (without its ligatures) and passport spellings', () => {
    matches('Абрамович Роман Аркадьевич', ['ABRAMOVICH, Roman Arkadyevich', 'Abramovich Roman Arkadevich']);
    matches('Хрущёв Никита Сергеевич', ['KHRUSHCHEV, Nikita Sergeyevich', 'Khrushchyov Nikita Sergeevich']);
    matches('Шевченко Олександр Іванович', ['SHEVCHENKO, Oleksandr Ivanovych']);
    expect(latinRenderings('Шевченко Олександр Іванович')[0]).toBe('Shevchenko Oleksandr Ivanovych');
  });

  it('Arabic: the usual English renderings, article and long vowels', () => {
    matches('محمد بن سلمان', ['Mohammed bin Salman', 'MUHAMMAD BIN SALMAN']);
    matches('حسن نصر الله', ['Hassan Nasrallah', 'NASRALLAH, Hasan']);
    matches('عبد الله الرشيد', ['Abdullah Al-Rashid', 'ABD ALLAH AL-RASHID']);
  });

  it('Persian: its own letters (ژ, پ, گ, ی, ک)', () => {
    matches('محمود احمدی‌نژاد', ['Mahmoud Ahmadinejad', 'AHMADINEJAD, Mahmud']);
    matches('بانک ملی ایران', ['Bank Melli Iran']);
    expect(latinRenderings('بانک ملی ایران')[0]).toBe('bank mli iran');
  });

  it('Chinese (Simplified, Traditional): Hanyu Pinyin, Wade–Giles, company words as lists write them in English', () => {
    matches('华为技术有限公司', ['Huawei Technologies Co., Ltd.', 'HUAWEI TECHNOLOGY COMPANY LIMITED']);
    matches('華為技術有限公司', ['Huawei Technologies Co., Ltd.']);
    expect(best('华为技术有限公司', '華為技術有限公司')).toBe(1);
    matches('习近平', ['Xi Jinping', 'XI, Jin-ping', 'Hsi Chin-ping']);
    matches('中国电子科技集团公司', ['China Electronics Technology Group Corporation']);
    // readings in context (pinyin-pro): 重 is chong in 重庆, not zhong
    expect(latinRenderings('重庆集团')[0]).toBe('chongqing group');
  });

  it('Korean: Revised Romanisation, McCune–Reischauer as DPRK names are listed, South Korean surnames by convention', () => {
    matches('김정은', ['KIM Jong Un', 'Kim Jong-un', 'Gim Jeong-eun']);
    matches('박봉주', ['PAK Pong Ju', 'Bak Bong-ju']);
    matches('최룡해', ['CHOE Ryong Hae']);
    matches('리수용', ['RI Su Yong']);
    matches('이재용', ['Lee Jae-yong', 'Lee Jaeyong']);
  });

  it('a Cyrillic look-alike inside a Latin word is read as the Latin letter (Shenzhen Ditai Technology Со.)', () => {
    expect(latinRenderings('Shenzhen Ditai Technology Со., Ltd.')[0]).toBe('Shenzhen Ditai Technology Co., Ltd.');
    expect(latinRenderings('ООО Ромашка')[0]).toBe('OOO Romashka');
  });
});
