// Control-list references (docs/records.md §5): format per scheme (rule I1) and the normalised form N(ref).

export type ControlScheme =
  | 'EU_ANNEX_I'
  | 'EU_ANNEX_IV'
  | 'US_CCL'
  | 'WA_DU'
  | 'WA_ML'
  | 'EU_CML'
  | 'US_USML'
  | 'MTCR_ANNEX'
  | 'NSG_PART2'
  | 'NSG_PART1'
  | 'AG_LIST'
  | 'CWC_SCHEDULE'
  | 'NATIONAL'
  | 'UNLISTED';

const EU = /^[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*$/;
/** The I1 format of each scheme (exported for the pattern fuzz property). */
export const CONTROL_CODE_FORMATS: Readonly<Record<Exclude<ControlScheme, 'UNLISTED'>, RegExp>> = {
  EU_ANNEX_I: EU,
  EU_ANNEX_IV: EU,
  US_CCL: /^(EAR99|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$/,
  WA_DU: /^[1-9]\.[A-E]\.[0-9]{1,3}(\.[a-z0-9]+)*$/,
  WA_ML: /^ML([1-9]|1[0-9]|2[0-2])(\.[a-z0-9]+)*$/,
  EU_CML: /^ML([1-9]|1[0-9]|2[0-2])(\.[a-z0-9]+)*$/,
  US_USML: /^(XXI|XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(\([a-z0-9]+\))*$/,
  MTCR_ANNEX: /^[0-9]{1,2}\.[A-E]\.[0-9]{1,2}(\.[a-z0-9]+)*$/,
  NSG_PART2: /^[0-9]{1,2}\.[A-E]\.[0-9]{1,2}(\.[a-z0-9]+)*$/,
  NSG_PART1: /^[0-9]{1,2}(\.[0-9]{1,2}){1,3}$/,
  AG_LIST: /^[a-z0-9]+(-[a-z0-9]+)*$/,
  CWC_SCHEDULE: /^[1-3][AB]\.[0-9]{1,2}$/,
  NATIONAL: /^[A-Za-z0-9][A-Za-z0-9.()/-]{0,31}$/,
};

export interface ControlRef {
  scheme: ControlScheme;
  code: string | null;
}

/** Rule I1: the code matches its scheme's format; null iff UNLISTED. */
export function isValidControlCode(ref: ControlRef): boolean {
  if (ref.scheme === 'UNLISTED') return ref.code === null;
  if (typeof ref.code !== 'string') return false;
  const re = CONTROL_CODE_FORMATS[ref.scheme];
  if (!re) return false;
  // a code is at most 64 characters (the schema's maxLength); no format runs on a longer one
  if (ref.code.length > 64) return false;
  return re.test(ref.code);
}

/** N(ref): the normalised form that filters and "essentially identical" compare; null for UNLISTED. */
export function normaliseControlRef(ref: ControlRef): string | null {
  const code = ref.code;
  if (ref.scheme === 'UNLISTED' || code === null) return null;
  switch (ref.scheme) {
    case 'EU_ANNEX_I':
    case 'EU_ANNEX_IV':
    case 'US_CCL':
    case 'WA_ML':
    case 'EU_CML':
      return code;
    case 'WA_DU': {
      const m = /^([1-9])\.([A-E])\.([0-9]{1,3})((\.[a-z0-9]+)*)$/.exec(code);
      if (!m) return code;
      return `${m[1]}${m[2]}${m[3]!.padStart(3, '0')}${m[4] ?? ''}`;
    }
    default:
      return `${ref.scheme}:${code}`;
  }
}

const COMMODITY: Record<string, RegExp> = {
  HS6: /^[0-9]{6}$/,
  CN8: /^[0-9]{8}$/,
  TARIC10: /^[0-9]{10}$/,
  US_HTS10: /^[0-9]{10}$/,
  US_SCHEDULE_B: /^[0-9]{10}$/,
};

/** Rule I4. */
export function isValidCommodityCode(c: { scheme: string; code: string }): boolean {
  const re = COMMODITY[c.scheme];
  return !!re && typeof c.code === 'string' && re.test(c.code);
}
