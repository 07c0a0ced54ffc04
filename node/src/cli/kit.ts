// What every command file gets from the program: the --dir and --json options, reading JSON input
// (errors with line and column), and one way to print: a table by default, JSON with --json.
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { JsonSyntaxError, parseJsonText } from '../domain/json-text.js';

export interface CliKit {
  dirOption: () => Option;
  jsonOption: () => Option;
  readJson: (file: string) => unknown;
  print: (value: unknown) => void;
  /** JSON with --json, otherwise what `render` makes of the value (a table, a few lines). */
  show: <T>(o: { json?: boolean }, value: T, render: (value: T) => string) => void;
}

/** Reads a file (or stdin for "-"), naming it in one line when it is missing or unreadable. */
export function readInput(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new Error(`${file}: ${why}`, { cause: e });
  }
}

export const kit: CliKit = {
  dirOption: () => new Option('--dir <dir>', 'node directory').makeOptionMandatory(),
  jsonOption: () => new Option('--json', 'print JSON (for scripts) instead of a table'),
  readJson(file: string): unknown {
    const text = readInput(file);
    try {
      return parseJsonText(text);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new Error(`${file} is not valid JSON: ${e.message}`, { cause: e });
      throw e;
    }
  },
  print(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  },
  show(o, value, render) {
    if (o.json) kit.print(value);
    else process.stdout.write(render(value));
  },
};
