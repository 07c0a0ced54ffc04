// Vitest setup file: every test file's temporary directories are removed when it ends (hooks run in
// stack order, so the file's own afterAll, which stops its nodes, runs first).
import { afterAll } from 'vitest';
import { removeTempDirs } from './nodes.js';

afterAll(() => removeTempDirs());
