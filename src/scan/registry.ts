import type { FormatScanner } from './types.js';

/**
 * Every format scanner, in sniffing order (most specific magic first).
 * Adding a format is one file under `formats/` and one line here.
 */
export const SCANNERS: readonly FormatScanner[] = [];

export function scannerById(id: string): FormatScanner | undefined {
  return SCANNERS.find((s) => s.id === id);
}
