import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectGolden } from './golden.js';

describe('golden files', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails, and creates nothing, when a golden file is missing', () => {
    vi.stubEnv('UPDATE_GOLDEN', '');
    const name = 'report/does-not-exist.txt';
    expect(() => expectGolden(name, 'x')).toThrow(/missing; create it with UPDATE_GOLDEN=1/);
    expect(existsSync(join(process.cwd(), 'test/golden', name))).toBe(false);
  });

  it('fails when the output differs from the golden file', () => {
    vi.stubEnv('UPDATE_GOLDEN', '');
    expect(() => expectGolden('report/text.txt', 'not the report')).toThrow();
  });
});
