// What every command file gets from the program: the --dir option, reading JSON input, printing JSON.
import { readFileSync } from 'node:fs';
import { Option } from 'commander';

export interface CliKit {
  dirOption: () => Option;
  readJson: (file: string) => unknown;
  print: (value: unknown) => void;
}

export const kit: CliKit = {
  dirOption: () => new Option('--dir <dir>', 'node directory').makeOptionMandatory(),
  readJson(file: string): unknown {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${file} is not valid JSON`);
    }
  },
  print(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  },
};
