import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Finding } from '../../core/finding.js';
import type { SuppressedFinding } from '../../core/suppressed.js';
import type { ScanReport } from '../../core/target.js';
import { analyzePoisoning, type LabelledRow, readLabelledRows } from '../../data/poison/index.js';
import { DATA_RULES } from '../../data/rules.js';
import { buildManifest, DEFAULT_MANIFEST_NAME, manifestRoot, verifyManifest } from '../../io/data-manifest.js';
import { scanDataFiles } from '../../io/data-reader.js';
import { FileSource } from '../../io/file-source.js';
import { enforcePolicy } from '../../io/policy-file.js';
import { failingFindings } from '../../policy/index.js';
import { REPORT_FORMATS, renderReport } from '../../report/index.js';
import { TOOL } from '../../version.js';
import { oneOf, parseSeverityFlag } from '../args.js';
import { writeOutput } from '../output.js';
import { loadPolicy, notePolicy, POLICY_OPTIONS } from '../policy.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';
import { exitFor } from './scan.js';

const usage = `Usage: warden data <subcommand> [options]

Subcommands:
  scan PATH...      find secrets and personal data in datasets, notebooks and configs
  poison PATH       look for poisoning signals in a labelled text dataset
  manifest PATH     write a manifest of file digests, sizes and row counts
  verify MANIFEST   compare a dataset with its manifest (added, removed, changed files)

warden data scan PATH... [options]
  -f, --format FORMAT     text (default), json, sarif or markdown
  -o, --output FILE       write the report to FILE
      --fail-on SEVERITY  exit 1 at or above this severity (default: fail_on in warden.yaml, else high;
                          none to never fail)
      --policy FILE       use this warden.yaml (default: the nearest one up from PATH); --no-policy: none
      --redact OUT        write sanitized copies (masked values, same format) to OUT: a file when
                          scanning one file, otherwise a folder mirroring the inputs; inputs are never modified
      --exact             check personal data in every CSV cell (default: columns of more than 2,000
                          rows are classified from a sample and counted on a hashed 1-in-16 subset)
      --kind KIND         secret or pii (repeatable; default both)
      --min-score N       detection threshold 0..1 (default 0.5)
      --exclude GLOB      skip paths matching GLOB (repeatable)

warden data poison PATH --label-column y --text-column x [--reference FILE] [--top N] [-f FORMAT]
warden data manifest PATH [-o MANIFEST]   (default: PATH/warden-data.manifest.json, or next to a file)
warden data verify MANIFEST [--root DIR] [-f FORMAT]   (exit 1 when files were added, removed or changed)
Sign a manifest like a model: warden sign MANIFEST --key KEY.pem, and check it with warden verify.

Formats are recognised by content and extension: CSV/TSV (per column), JSON Lines (per key path),
JSON, Jupyter notebooks (per cell), Parquet (per column), and any other text.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or tool error.
`;

/** Renders a data report; the one place that picks the reporter, so the format set stays shared. */
export function renderDataReport(
  format: string,
  report: ScanReport,
  command: string,
  io: CliIO,
  toFile: boolean,
  suppressed: readonly SuppressedFinding[] = [],
): string {
  const f = oneOf(format, REPORT_FORMATS, '--format');
  return renderReport(
    f,
    { report, tool: TOOL, rules: DATA_RULES, command, suppressed },
    { color: io.isTTY && !toFile && !io.env.NO_COLOR, baseDir: io.cwd },
  );
}

export async function emit(io: CliIO, output: string | undefined, text: string): Promise<void> {
  if (output) await writeOutput(io.cwd, output, text);
  else io.stdout(text);
}

async function scanSub(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f', default: 'text' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string' },
      ...POLICY_OPTIONS,
      redact: { type: 'string' },
      exact: { type: 'boolean', default: false },
      kind: { type: 'string', multiple: true },
      'min-score': { type: 'string' },
      exclude: { type: 'string', multiple: true, default: [] },
    },
  });
  if (positionals.length === 0) throw new UsageError('give at least one file or folder to scan');
  oneOf(values.format, REPORT_FORMATS, '--format');
  const failOn = values['fail-on'] === undefined ? undefined : parseSeverityFlag(values['fail-on'], '--fail-on');
  // The policy (allowed PII columns, suppressions, fail_on) is read before scanning: a broken
  // warden.yaml is a usage error, reported at once.
  const policy = await loadPolicy(values, positionals, io, 'data scan');
  if (!policy) return EXIT.error;
  const kinds = values.kind?.map((k) => oneOf(k, ['secret', 'pii'] as const, '--kind'));
  const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1))
    throw new UsageError('--min-score: expected a number from 0 to 1');

  const scanned = await scanDataFiles(positionals, {
    cwd: io.cwd,
    exclude: values.exclude,
    ...(values.redact ? { redactOut: values.redact } : {}),
    // Big CSV columns are classified from a sample and then checked on a hashed subset of rows;
    // --exact checks every cell (slower, exact counts).
    ...(values.exact ? { limits: { sampleRows: 0 } } : {}),
    ...(kinds ? { kinds } : {}),
    ...(minScore === undefined ? {} : { minScore }),
  });
  const outcome = await enforcePolicy({ ...scanned, metadata: new Map() }, policy, io.cwd);
  if (!outcome.ok) {
    io.stderr(`warden data scan: ${policy.file}: ${outcome.error}\n`);
    return EXIT.error;
  }
  notePolicy(io, 'data scan', policy.file, outcome.value);
  const report = { ...scanned, findings: outcome.value.findings };
  const missing = report.targets.filter((t) => t.error?.code === 'not_found' || t.error?.code === 'io_error');
  for (const t of missing) io.stderr(`warden data scan: ${t.error?.message}\n`);
  for (const [from, to] of report.redacted) io.stderr(`redacted copy of ${from} written to ${to}\n`);
  const text = renderDataReport(
    values.format,
    report,
    `warden data scan ${args.join(' ')}`,
    io,
    Boolean(values.output),
    outcome.value.suppressed,
  );
  await emit(io, values.output, text);
  if (missing.length > 0) return EXIT.error;
  return failingFindings(outcome.value, failOn).length > 0 ? EXIT.findings : EXIT.clean;
}

function singleTarget(path: string, format: string, started: number, size: number): ScanReport['targets'][number] {
  return {
    path,
    format,
    status: 'ok',
    sizeBytes: size,
    bytesRead: size,
    durationMs: Math.round(performance.now() - started),
  };
}

function reportOf(findings: Finding[], targets: ScanReport['targets'], startedAt: Date, t0: number): ScanReport {
  return { targets, findings, startedAt: startedAt.toISOString(), durationMs: Math.round(performance.now() - t0) };
}

async function loadRows(
  cwd: string,
  path: string,
  textColumn: string,
  labelColumn: string,
): Promise<{ rows: LabelledRow[]; size: number }> {
  const abs = resolve(cwd, path);
  const src = await FileSource.open(abs).catch(() => {
    throw new UsageError(`cannot open ${path}`);
  });
  try {
    const r = await readLabelledRows(src, basename(abs), { textColumn, labelColumn });
    if (r.rows.length === 0) throw new UsageError(`${path}: no rows with both '${textColumn}' and '${labelColumn}'`);
    return { rows: r.rows, size: src.size };
  } finally {
    await src.close();
  }
}

async function poisonSub(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'label-column': { type: 'string', default: 'label' },
      'text-column': { type: 'string', default: 'text' },
      reference: { type: 'string' },
      top: { type: 'string', default: '10' },
      format: { type: 'string', short: 'f', default: 'text' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string', default: 'high' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one labelled dataset (JSONL, CSV/TSV or Parquet)');
  const failOn = parseSeverityFlag(values['fail-on'], '--fail-on');
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError('--top: expected a positive whole number');
  const startedAt = new Date();
  const t0 = performance.now();
  const path = positionals[0]!;
  const { rows, size } = await loadRows(io.cwd, path, values['text-column'], values['label-column']);
  const reference = values.reference
    ? (await loadRows(io.cwd, values.reference, values['text-column'], values['label-column'])).rows
    : undefined;
  const rep = analyzePoisoning(rows, { path, top, ...(reference ? { reference } : {}) });
  io.stderr(`${rows.length} rows, labels ${JSON.stringify(rep.labels)}\n`);
  const report = reportOf(rep.findings, [singleTarget(path, 'data/labelled-text', t0, size)], startedAt, t0);
  await emit(
    io,
    values.output,
    renderDataReport(values.format, report, `warden data poison ${args.join(' ')}`, io, Boolean(values.output)),
  );
  return exitFor(rep.findings, failOn);
}

async function manifestSub(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' } },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one dataset file or folder');
  const target = resolve(io.cwd, positionals[0]!);
  const root = await manifestRoot(target).catch(() => {
    throw new UsageError(`no such file or folder: ${positionals[0]}`);
  });
  const output = values.output ? resolve(io.cwd, values.output) : resolve(root, DEFAULT_MANIFEST_NAME);
  const { manifest, findings } = await buildManifest(target, output, `${TOOL.name} ${TOOL.version}`);
  await writeOutput(io.cwd, output, `${JSON.stringify(manifest, null, 2)}\n`);
  const rows = manifest.files.reduce((n, f) => n + (f.rows ?? 0), 0);
  io.stdout(`manifest of ${manifest.files.length} files (${rows} rows in tabular files) written to ${output}\n`);
  for (const f of findings) io.stdout(`${f.severity.toUpperCase()} ${f.ruleId}: ${f.message}\n`);
  return findings.length ? EXIT.findings : EXIT.clean;
}

async function verifySub(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      format: { type: 'string', short: 'f', default: 'text' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one manifest file');
  const startedAt = new Date();
  const t0 = performance.now();
  const manifestPath = resolve(io.cwd, positionals[0]!);
  let findings: Finding[];
  try {
    findings = await verifyManifest(manifestPath, values.root ? resolve(io.cwd, values.root) : undefined);
  } catch (e) {
    io.stderr(`warden data verify: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.error;
  }
  const report = reportOf(findings, [singleTarget(positionals[0]!, 'data/manifest', t0, 0)], startedAt, t0);
  await emit(
    io,
    values.output,
    renderDataReport(values.format, report, `warden data verify ${args.join(' ')}`, io, Boolean(values.output)),
  );
  return findings.length ? EXIT.findings : EXIT.clean;
}

const SUBCOMMANDS: Readonly<Record<string, (args: readonly string[], io: CliIO) => Promise<number>>> = {
  scan: scanSub,
  poison: poisonSub,
  manifest: manifestSub,
  verify: verifySub,
};

export const dataCommand: Command = {
  name: 'data',
  summary: 'find secrets, personal data and poisoning in datasets; dataset manifests',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('give a subcommand: scan, poison, manifest or verify');
    const run = SUBCOMMANDS[sub];
    if (!run) throw new UsageError(`unknown subcommand '${sub}' (expected scan, poison, manifest or verify)`);
    return run(rest, io);
  },
};
