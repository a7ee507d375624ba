import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = join(process.cwd(), 'test/golden');

/**
 * Golden Markdown is stored as `*.md.golden`: Biome formats `.md` files and would re-pad the tables.
 *
 * Compares `actual` with a committed golden file. A missing file fails the test: only
 * `UPDATE_GOLDEN=1` writes golden files, so a typo in a name can never pass silently.
 */
export function expectGolden(name: string, actual: string): void {
  // `name` is relative to test/golden, or absolute for generated files kept elsewhere (docs).
  const file = resolve(GOLDEN_DIR, name);
  const update = process.env.UPDATE_GOLDEN === '1';
  if (update) {
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file) || readFileSync(file, 'utf8') !== actual) writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${relative(process.cwd(), file)} is missing; create it with UPDATE_GOLDEN=1`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
