import { type Rule, ref } from '../core/rule.js';

const ATLAS_EVADE = ref.atlas('AML.T0015'); // Evade ML Model — here: evade the scanner by malformed structure

/** Rules the engine itself raises, whatever the format. Keyed by id so callers cannot misspell one. */
export const ENGINE_RULES = {
  'scan/parse-error': {
    id: 'scan/parse-error',
    title: 'File could not be fully parsed',
    severity: 'low',
    description:
      'The scanner recognised the format but the bytes do not follow it. Loaders are often more lenient than ' +
      'scanners, so malformed structure is a classic way to hide a payload from a scanner.',
    remediation: 'Re-export the model with the framework that produced it, or obtain it again from a trusted source.',
    references: [ATLAS_EVADE, ref.cwe(20)],
  },
  'scan/limit-exceeded': {
    id: 'scan/limit-exceeded',
    title: 'A resource limit stopped the scan',
    severity: 'medium',
    description:
      'A cap on size, nesting, member count, decompression or time was reached, so part of the file was not ' +
      'inspected. Files built to exhaust scanners are an evasion technique.',
    remediation:
      'Inspect the file by hand or raise the limit deliberately (see `warden scan --help`); do not load it unscanned.',
    references: [ATLAS_EVADE, ref.cwe(400)],
  },
  'scan/too-large': {
    id: 'scan/too-large',
    title: 'File skipped for its size',
    severity: 'info',
    description: 'The file is larger than `--max-file-size` and was not scanned.',
    remediation: 'Raise `--max-file-size` or scan the file separately.',
    references: [ref.cwe(400)],
  },
  'scan/internal-error': {
    id: 'scan/internal-error',
    title: 'Scanner failed on this file',
    severity: 'medium',
    description:
      'A format scanner failed unexpectedly. The file is reported rather than silently passed: hostile input may be ' +
      'the cause. Please report it with the file if you can share it.',
    remediation: 'Treat the file as unverified until a scan completes.',
    references: [ref.cwe(703)],
  },
} as const satisfies Record<string, Rule>;

export const ENGINE_RULE_LIST: readonly Rule[] = Object.values(ENGINE_RULES);
