// Plain-text tables for the CLI, padded by display width (a CJK character takes two columns, a
// combining mark none), so names in any script keep the columns straight.
import stringWidth from 'string-width';
import { exerciseLine } from './mode.js';

const pad = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - stringWidth(s)));

/**
 * Text from a record or a partner as a terminal may show it: control characters a terminal would act
 * on (C0 and C1, DEL: an 8-bit CSI starts an escape sequence) become U+FFFD, line breaks and tabs a
 * space (a cell cannot start a forged row), and the bidirectional formatting characters that reorder
 * what is shown (U+202A–U+202E, U+2066–U+2069) are dropped. The schemas refuse C0 and DEL in record
 * text; C1 and the bidi formats are valid Unicode text they let through.
 */
export function terminalText(s: string): string {
  return (
    s
      .replace(/[\t\n\r]/g, ' ')
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd')
      .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
  );
}

/**
 * A table; for an exercise node its first line is the EXERCISE line (docs/protocol.md §14.5), unless
 * the command printed that line once above several tables (`mark: false`).
 */
export function table(headers: string[], cells: string[][], o: { mark?: boolean } = {}): string {
  const rows = cells.map((r) => r.map(terminalText));
  const widths = headers.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return (
    (o.mark === false ? '' : exerciseLine()) +
    [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') +
    '\n'
  );
}
