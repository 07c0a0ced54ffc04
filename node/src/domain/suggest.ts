// Human sentences for values a schema refuses: the allowed values when there are few, otherwise a
// guess ("did you mean AE?") from case, an English country name, or a name's initials.
const LIST_AT_MOST = 12;

let regionNames: Intl.DisplayNames | null = null;
function englishName(code: string): string | undefined {
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
  try {
    const n = regionNames.of(code);
    return n && n !== code ? n : undefined;
  } catch {
    return undefined;
  }
}

const initials = (s: string) =>
  s
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length > 0 && !['and', 'of', 'the'].includes(w.toLowerCase()))
    .map((w) => w[0]!.toUpperCase())
    .join('');

/** The allowed value the operator most likely meant, or undefined. */
export function suggestAllowed(value: unknown, allowed: readonly unknown[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  const v = value.trim();
  const folded = v.toUpperCase().replace(/[\s-]+/g, '_');
  const same = strings.find((a) => a.toUpperCase() === folded);
  if (same) return same;
  // two-letter codes: by English country name, or by its initials (UAE → AE)
  if (strings.length > 0 && strings.every((a) => /^[A-Z]{2}$/.test(a))) {
    const lower = v.toLowerCase();
    const byName = strings.find((a) => englishName(a)?.toLowerCase() === lower);
    if (byName) return byName;
    const byInitials = strings.filter((a) => {
      const n = englishName(a);
      return n !== undefined && initials(n) === v.toUpperCase();
    });
    if (byInitials.length === 1) return byInitials[0];
  }
  const prefixed = strings.filter((a) => a.toUpperCase().startsWith(folded));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** "must be one of A, B or C" (few values) or "is not an allowed value (did you mean X?)". */
export function enumSentence(value: unknown, allowed: readonly unknown[]): string {
  const shown = allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  const guess = suggestAllowed(value, allowed);
  const hint = guess !== undefined ? ` (did you mean ${guess}?)` : '';
  if (shown.length <= LIST_AT_MOST) {
    const list = shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)!}`;
    return `${JSON.stringify(value)} is not allowed: must be ${shown.length === 1 ? '' : 'one of '}${list}${hint}`;
  }
  return `${JSON.stringify(value)} is not one of the ${shown.length} allowed values${hint || ` (e.g. ${shown.slice(0, 5).join(', ')} …)`}`;
}
