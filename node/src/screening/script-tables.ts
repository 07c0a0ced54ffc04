// Own tables for the gaps of the script libraries (scripts.ts says which gap each fills).

/**
 * Words of Chinese company names, as lists write them in English ('' for legal forms, which
 * normalisation drops anyway): 华为技术有限公司 is listed as Huawei Technologies Co., Ltd. Simplified
 * and Traditional forms; longest first, so that 有限公司 wins over 公司.
 */
export const CHINESE_WORDS: [string, string][] = (
  [
    ['股份有限公司', 'co ltd'],
    ['有限责任公司', 'llc'],
    ['有限責任公司', 'llc'],
    ['有限公司', 'co ltd'],
    ['集团公司', 'group corporation'],
    ['集團公司', 'group corporation'],
    ['公司', 'company'],
    ['集团', 'group'],
    ['集團', 'group'],
    ['股份', 'joint stock'],
    ['控股', 'holdings'],
    ['科技', 'technology'],
    ['技术', 'technology'],
    ['技術', 'technology'],
    ['电子', 'electronics'],
    ['電子', 'electronics'],
    ['微电子', 'microelectronics'],
    ['微電子', 'microelectronics'],
    ['半导体', 'semiconductor'],
    ['半導體', 'semiconductor'],
    ['贸易', 'trading'],
    ['貿易', 'trading'],
    ['国际', 'international'],
    ['國際', 'international'],
    ['实业', 'industrial'],
    ['實業', 'industrial'],
    ['工业', 'industry'],
    ['工業', 'industry'],
    ['投资', 'investment'],
    ['投資', 'investment'],
    ['进出口', 'import export'],
    ['進出口', 'import export'],
    ['研究所', 'research institute'],
    ['研究院', 'research institute'],
    ['大学', 'university'],
    ['大學', 'university'],
    ['航空', 'aviation'],
    ['航天', 'aerospace'],
    ['船舶', 'shipbuilding'],
    ['通信', 'communications'],
    ['信息', 'information'],
    ['机械', 'machinery'],
    ['機械', 'machinery'],
    ['设备', 'equipment'],
    ['設備', 'equipment'],
    ['工程', 'engineering'],
    ['发展', 'development'],
    ['發展', 'development'],
    ['制造', 'manufacturing'],
    ['製造', 'manufacturing'],
    ['物流', 'logistics'],
    ['中国', 'china'],
    ['中國', 'china'],
    ['香港', 'hong kong'],
    ['银行', 'bank'],
    ['銀行', 'bank'],
    ['分公司', 'branch'],
  ] as [string, string][]
).sort((a, b) => b[0].length - a[0].length);

/** Chinese surnames of two characters. */
export const COMPOUND_SURNAMES = [
  '欧阳',
  '歐陽',
  '司马',
  '司馬',
  '诸葛',
  '諸葛',
  '上官',
  '东方',
  '東方',
  '皇甫',
  '尉迟',
  '令狐',
  '慕容',
  '夏侯',
  '公孙',
  '長孫',
  '长孙',
];

/** Korean surnames as South Koreans conventionally write them (RR would give Gim, I, Bak, Choe). */
export const KOREAN_SURNAMES: Record<string, string> = {
  김: 'kim',
  이: 'lee',
  박: 'park',
  최: 'choi',
  정: 'jung',
  강: 'kang',
  조: 'cho',
  윤: 'yoon',
  장: 'jang',
  임: 'lim',
  한: 'han',
  오: 'oh',
  서: 'seo',
  신: 'shin',
  권: 'kwon',
  황: 'hwang',
  안: 'ahn',
  송: 'song',
  류: 'ryu',
  유: 'yoo',
  홍: 'hong',
  전: 'jeon',
  고: 'ko',
  문: 'moon',
  양: 'yang',
  손: 'son',
  배: 'bae',
  백: 'baek',
  허: 'heo',
  노: 'noh',
  남: 'nam',
  심: 'shim',
  곽: 'kwak',
  성: 'sung',
  차: 'cha',
  주: 'joo',
  우: 'woo',
  구: 'koo',
  민: 'min',
  나: 'na',
  진: 'jin',
  지: 'ji',
  엄: 'um',
  채: 'chae',
  원: 'won',
  천: 'chun',
  방: 'bang',
  공: 'kong',
  현: 'hyun',
  함: 'ham',
  변: 'byun',
  염: 'yeom',
  여: 'yeo',
  추: 'choo',
  도: 'do',
  석: 'seok',
  선: 'sun',
  리: 'ri',
  로: 'ro',
  량: 'ryang',
  황보: 'hwangbo',
  남궁: 'namgoong',
  선우: 'sunwoo',
  제갈: 'jegal',
};

const WG_INITIALS: [string, string][] = [
  ['zh', 'ch'],
  ['ch', 'ch'],
  ['sh', 'sh'],
  ['b', 'p'],
  ['p', 'p'],
  ['d', 't'],
  ['t', 't'],
  ['g', 'k'],
  ['k', 'k'],
  ['z', 'ts'],
  ['c', 'ts'],
  ['j', 'ch'],
  ['q', 'ch'],
  ['x', 'hs'],
  ['r', 'j'],
];

/**
 * A pinyin syllable (no tones) in Wade–Giles as lists write it, without apostrophes or umlauts:
 * zhang → chang, xi → hsi, jinping → chin + ping, zi → tzu, shi → shih, rong → jung, guo → kuo.
 */
export function wadeGiles(syl: string): string {
  const special: Record<string, string> = {
    zi: 'tzu',
    ci: 'tzu',
    si: 'ssu',
    zhi: 'chih',
    chi: 'chih',
    shi: 'shih',
    ri: 'jih',
    er: 'erh',
    yi: 'i',
    you: 'yu',
    yan: 'yen',
    ye: 'yeh',
    yong: 'yung',
    he: 'ho',
    ke: 'ko',
    ge: 'ko',
    e: 'o',
    lve: 'lueh',
    nve: 'nueh',
    jue: 'chueh',
    que: 'chueh',
    xue: 'hsueh',
    yue: 'yueh',
    ju: 'chu',
    qu: 'chu',
    xu: 'hsu',
    juan: 'chuan',
    quan: 'chuan',
    xuan: 'hsuan',
    jun: 'chun',
    qun: 'chun',
    xun: 'hsun',
  };
  if (special[syl]) return special[syl];
  const init = WG_INITIALS.find(([p]) => syl.startsWith(p));
  let head = init ? init[1] : '';
  let tail = init ? syl.slice(init[0].length) : syl;
  if (head === '' && /^[fhlmnsw]/.test(tail)) {
    head = tail[0]!;
    tail = tail.slice(1);
  }
  tail = tail
    .replace(/^ong$/, 'ung')
    .replace(/^iong$/, 'iung')
    .replace(/^ian$/, 'ien')
    .replace(/^ie$/, 'ieh')
    .replace(/^e$/, head === 'k' || head === 'h' ? 'o' : 'e')
    .replace(/^uo$/, head === 'k' || head === 'h' || head === 'sh' || head === 'ch' ? 'uo' : 'o')
    .replace(/^ui$/, 'ui')
    .replace(/^un$/, 'un');
  return head + tail;
}
