// Vitest setup file: every test file's temporary directories are removed when it ends (hooks run in
// stack order, so the file's own afterAll, which stops its nodes, runs first), and every test's
// responses must match the OpenAPI document (contract.ts).
import { appendFileSync } from 'node:fs';
import { afterAll, afterEach } from 'vitest';
import { takeMismatches } from './contract.js';
import { removeTempDirs } from './nodes.js';

afterAll(() => removeTempDirs());

// the contract test: a response that does not match the OpenAPI document fails the test that caused it
afterEach(() => {
  const mismatches = takeMismatches();
  if (mismatches.length === 0) return;
  const report = process.env.ENTENTE_CONTRACT_REPORT;
  if (report) appendFileSync(report, mismatches.join('\n') + '\n');
  else throw new Error(`responses that do not match schemas/openapi.yaml:\n${mismatches.join('\n')}`);
});
