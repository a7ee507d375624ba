/**
 * Warden as a library. Subpath exports load less: `warden/guard` (prompt-injection and output
 * scanning), `warden/monitor` (the monitoring client).
 */
export type { ByteSource } from './core/byte-source.js';
export { MemorySource, SliceSource } from './core/byte-source.js';
export type { Finding, Reference } from './core/finding.js';
export { DEFAULT_LIMITS, type Limits } from './core/limits.js';
export type { Rule } from './core/rule.js';
export { SEVERITIES, type Severity } from './core/severity.js';
export type { ScanReport, TargetResult, TargetStatus } from './core/target.js';
export { type Detection, detect, redact } from './data/detect/index.js';
export { createGuard, scanInput, scanOutput } from './guard/index.js';
export { scanFiles } from './io/scan-files.js';
export { REPORT_FORMATS, renderReport } from './report/index.js';
export { allRules } from './rules/catalog.js';
export { scanSource } from './scan/engine.js';
export { SCANNERS } from './scan/registry.js';
export type { FormatScanner, ScanContext, ScanOutcome } from './scan/types.js';
