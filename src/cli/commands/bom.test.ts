import { describe, expect, it } from 'vitest';
import { captureIO } from '../../../test/cli/helpers.js';
import { run } from '../main.js';

describe('warden bom arguments', () => {
  it('is listed in the help and prints its own usage', async () => {
    const c = captureIO(process.cwd());
    expect(await run(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/\n {2}bom +write an AI bill of materials/);
    const h = captureIO(process.cwd());
    expect(await run(['bom', '--help'], h.io)).toBe(0);
    expect(h.out()).toContain('Usage: warden bom PATH');
  });

  it('exits 2 on usage mistakes: no path, two paths, an unknown format', async () => {
    for (const argv of [['bom'], ['bom', 'a', 'b'], ['bom', '--format', 'xml', '.']]) {
      const c = captureIO(process.cwd());
      expect(await run(argv, c.io), argv.join(' ')).toBe(2);
      expect(c.err()).toMatch(/warden bom: /);
    }
  });
});
