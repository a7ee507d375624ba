import type { ScanContext, ScanOutcome } from '../types.js';
import { analyzeKerasConfig } from './analyze.js';
import { kerasFindings } from './findings.js';

/** Judges a parsed Keras 3 config (the `.keras` archive's `config.json`). */
export function kerasConfigOutcome(value: Record<string, unknown>, ctx: ScanContext, scanner: string): ScanOutcome {
  const a = analyzeKerasConfig(value, 'keras3');
  const findings = kerasFindings(a.issues, ctx, scanner);
  const metadata = { kind: 'keras-config', class_name: value.class_name, layers: a.layers, objects: a.objects };
  return a.truncated
    ? {
        findings,
        metadata,
        error: { code: 'limit_exceeded', message: `config walk stopped at the ${a.truncated} cap` },
      }
    : { findings, metadata };
}
