export { createGuard, type Guard, type GuardOptions, scanInput, scanOutput } from './guard.js';
export { type GuardModelFile, loadModel, ModelFormatError } from './model/format.js';
export { findingsOf, GUARD_RULE_LIST, GUARD_RULES } from './rules.js';
export type {
  GuardCategory,
  GuardSpan,
  ScanInputOptions,
  ScanOutputOptions,
  ScanResult,
} from './types.js';
