import type { Reference } from '../core/finding.js';
import { type Rule, ref } from '../core/rule.js';
import type { TargetError } from '../core/target.js';

/**
 * Rules the engine itself emits about coverage: a file it could not parse, read or judge fully.
 * They exist so that "not inspected" is never mistaken for "clean" — scanner evasion by
 * malformation or by exhausting a scanner's caps is a published technique against model scanners.
 */

// A part of a model that was never inspected is an unvetted supply-chain artefact.
const COVERAGE_REFS: readonly Reference[] = [ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023')];

const parseError: Rule = {
  id: 'scan/parse-error',
  title: 'Malformed file',
  severity: 'medium',
  description:
    'The content matched a known format but its structure is broken (truncated, inconsistent headers, invalid ' +
    'opcodes). Loaders are often more lenient than a strict parser, so bytes past the malformation may still be ' +
    'loaded — a known way to hide a payload from model scanners.',
  remediation:
    'Do not load the file. Re-export it from its source framework or fetch it again from a trusted source; ' +
    'delete it if it is simply damaged.',
  references: [...COVERAGE_REFS, ref.cwe(436), ref.cwe(20)],
};

const limitExceeded: Rule = {
  id: 'scan/limit-exceeded',
  title: 'Scan limit exceeded',
  severity: 'medium',
  description:
    'A resource cap was hit (opcodes, nesting, archive members, decompressed size or ratio, time budget), so part ' +
    'of the file was not inspected. Padding a file until scanners give up, decompression bombs and deep nesting ' +
    'are ways to keep a payload out of sight.',
  remediation:
    'Treat the uninspected part as untrusted. If the file is legitimately this large or deep, raise the ' +
    'corresponding limit and scan again; otherwise do not load it.',
  references: [...COVERAGE_REFS, ref.cwe(400), ref.cwe(409)],
};

const tooLarge: Rule = {
  id: 'scan/too-large',
  title: 'File skipped for size',
  severity: 'low',
  description: 'The file is larger than the configured maximum file size and was not inspected at all.',
  remediation: 'Raise `--max-file-size` (or remove it) and scan the file, or scan it separately before loading it.',
  references: COVERAGE_REFS,
};

const unknownFormat: Rule = {
  id: 'scan/unknown-format',
  title: 'Unrecognised format',
  severity: 'info',
  description:
    'No scanner recognised the content. Warden routes by magic bytes, not by file extension, so a renamed or ' +
    'repacked model file lands here rather than being judged by its name.',
  remediation:
    'If this is a model or data file, check docs/formats.md for the supported formats and convert it to one ' +
    '(safetensors for weights), or open an issue with the producing framework and version.',
  references: COVERAGE_REFS,
};

const internalError: Rule = {
  id: 'scan/internal-error',
  title: 'Scanner internal error',
  severity: 'medium',
  description:
    'A scanner failed unexpectedly on this file. The file was not (fully) inspected; this is a Warden bug, and ' +
    'crafted input that crashes a scanner is also an evasion technique.',
  remediation:
    'Treat the file as unscanned and do not load it until it is judged. Report the bug with the scanner id and ' +
    'version shown in the report (without sharing a sensitive file).',
  references: [...COVERAGE_REFS, ref.cwe(703)],
};

const readError: Rule = {
  id: 'scan/read-error',
  title: 'File could not be read',
  severity: 'low',
  description:
    'The file could not be read (I/O error or permission denied), so it was not inspected. Another user or ' +
    'process with different rights may still load it.',
  remediation: 'Fix the permissions or the storage error and scan again with the rights of the process that loads it.',
  references: COVERAGE_REFS,
};

/** Keyed by id so the engine names the rule it emits and the compiler checks the name. */
export const ENGINE_RULES = {
  'scan/parse-error': parseError,
  'scan/limit-exceeded': limitExceeded,
  'scan/too-large': tooLarge,
  'scan/unknown-format': unknownFormat,
  'scan/internal-error': internalError,
  'scan/read-error': readError,
} as const satisfies Record<string, Rule>;

export type EngineRuleId = keyof typeof ENGINE_RULES;

export const ENGINE_RULE_LIST: readonly Rule[] = Object.values(ENGINE_RULES);

/** Which engine rule reports a target error of each code; `undefined` = not a finding (user's choice or usage error). */
export const ENGINE_RULE_FOR_ERROR: Record<TargetError['code'], EngineRuleId | undefined> = {
  truncated: 'scan/parse-error',
  bad_magic: 'scan/parse-error',
  invalid_structure: 'scan/parse-error',
  unsupported_version: 'scan/parse-error',
  limit_exceeded: 'scan/limit-exceeded',
  timeout: 'scan/limit-exceeded',
  too_large: 'scan/too-large',
  unknown_format: 'scan/unknown-format',
  internal: 'scan/internal-error',
  io_error: 'scan/read-error',
  permission: 'scan/read-error',
  excluded: undefined,
  not_found: undefined,
};
