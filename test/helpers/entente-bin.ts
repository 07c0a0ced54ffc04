// The real `entente` binary: bin/entente.js over dist/, which the suite's global setup builds from
// this checkout (test/helpers/build.ts).
import { join } from 'node:path';

export const ENTENTE_BIN = join(import.meta.dirname, '../../bin/entente.js');
