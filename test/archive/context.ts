import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import type { ScanContext } from '../../src/scan/types.js';

/** A scan context for unit tests of one scanner. */
export function testContext(limits: Partial<Limits> = {}, path = 'test.bin'): ScanContext {
  return {
    path,
    limits: { ...DEFAULT_LIMITS, ...limits },
    depth: 0,
    signal: new AbortController().signal,
    siblings: [],
  };
}

/** os.system('id'), protocol 2: the smallest pickle every scanner must flag. */
export const OS_SYSTEM_PICKLE = new Uint8Array(Buffer.from('\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.', 'latin1'));
/** {'a': 1}, protocol 2: a benign pickle. */
export const BENIGN_PICKLE = new Uint8Array(Buffer.from('\x80\x02}X\x01\x00\x00\x00aK\x01s.', 'latin1'));
