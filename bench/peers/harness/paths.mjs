// Absolute paths the harness needs, resolved from this file so that the bench
// runs the same from the repo root (`npm run bench`) or from bench/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const PEERS_DIR = path.resolve(HERE, '..');
export const BENCH_DIR = path.resolve(PEERS_DIR, '..');
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const ADAPTERS_DIR = path.join(PEERS_DIR, 'adapters');
export const CHILD_ENTRY = path.join(HERE, 'child.mjs');
export const IDLE_HEAP_ENTRY = path.join(HERE, 'idle-heap-child.mjs');
