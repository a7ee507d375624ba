import { MemorySource } from '../../src/core/byte-source.js';
import type { Finding } from '../../src/core/finding.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import { scanSource } from '../../src/scan/engine.js';
import { pytorchLegacyScanner } from '../../src/scan/formats/pytorch-legacy.js';
import { SCANNERS } from '../../src/scan/registry.js';
import type { FormatScanner } from '../../src/scan/types.js';

/** The registry, with the legacy PyTorch scanner ahead of pickle if the registry does not list it yet. */
export const ALL_SCANNERS: readonly FormatScanner[] = SCANNERS.some((s) => s.id === pytorchLegacyScanner.id)
  ? SCANNERS
  : [...SCANNERS.filter((s) => s.id !== 'pickle'), pytorchLegacyScanner, ...SCANNERS.filter((s) => s.id === 'pickle')];

/** Scans bytes the way the engine does, recursing into members. */
export async function scanRecursively(bytes: Uint8Array, name: string, limits: Partial<Limits> = {}) {
  const src = new MemorySource(bytes);
  const r = await scanSource(
    src,
    { path: name, name, siblings: [] },
    { limits: { ...DEFAULT_LIMITS, ...limits }, scanners: ALL_SCANNERS, signal: new AbortController().signal },
  );
  return { ...r, bytesRead: src.bytesRead };
}

export const highOrCritical = (f: readonly Finding[]) =>
  f.filter((x) => x.severity === 'high' || x.severity === 'critical');
