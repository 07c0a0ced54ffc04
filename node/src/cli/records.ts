// Record commands (filled in with publishing).
import type { Command, Option } from 'commander';

export interface CliKit {
  dirOption: () => Option;
  readJson: (file: string) => unknown;
  print: (value: unknown) => void;
}

export function registerRecordCommands(_program: Command, _kit: CliKit): void {}
