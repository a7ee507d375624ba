import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutput } from '../../src/cli/output.js';

describe('writeOutput', () => {
  it('writes a regular file atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-out-'));
    await writeOutput(dir, 'r.json', '{"a":1}');
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe('{"a":1}');
  });

  it('writes to a device in place and leaves it a device', async () => {
    await writeOutput('/', '/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});
