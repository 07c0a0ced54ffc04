// JSON.parse with an error an operator can find in an editor: line and column, not a byte position.
export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Line and column (both from 1) of a character offset in text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.trimEnd().length;
    const reason = message
      .replace(/\s*in JSON at position \d+.*$/, '')
      .replace(/^Unexpected end of JSON input$/, 'the JSON ends too early (a missing } or ]?)')
      .replace(/^Expected double-quoted property name$/, 'expected a "quoted" member name (a trailing comma?)');
    const { line, column } = lineColumn(text, offset);
    throw new JsonSyntaxError(line, column, reason || 'not valid JSON');
  }
}
