import { parseArgs } from 'node:util';
import { atLeast } from '../../core/severity.js';
import { enforcePolicy } from '../../io/policy-file.js';
import { isRemoteUrl } from '../../io/remote/resolve.js';
import { mergeReports, scanRemote } from '../../io/remote/scan-remote.js';
import { scanFiles } from '../../io/scan-files.js';
import { failingFindings } from '../../policy/index.js';
import { REPORT_FORMATS, renderReport } from '../../report/index.js';
import { allRules } from '../../rules/catalog.js';
import { TOOL } from '../../version.js';
import { oneOf, parseSeverityFlag, SCAN_LIMIT_OPTIONS, scanLimitsFrom } from '../args.js';
import { writeOutput } from '../output.js';
import { loadPolicy, notePolicy, POLICY_OPTIONS } from '../policy.js';
import { progressBar } from '../progress.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';

const usage = `Usage: warden scan PATH|URL... [options]

Scans model files and folders for serialization attacks and tampering, without loading or
executing anything. Formats are recognised by their bytes, not their file names.
URLs are read with HTTP range requests, fetching only the bytes the scanners need:
hf://org/model[@revision][/path] (HF_ENDPOINT, HF_TOKEN), s3://bucket/prefix (AWS_* variables,
shared credentials file, AWS_ENDPOINT_URL) and https://host/file. See docs/remote.md.

Options:
  -f, --format FORMAT       text (default), json, sarif or markdown
  -o, --output FILE         write the report to FILE instead of standard output
      --fail-on SEVERITY    exit 1 when a finding is at least this severe: critical, high (default),
                            medium, low, info, or none; overrides fail_on in warden.yaml
      --policy FILE         apply this policy file (default: warden.yaml found from the scanned
                            path up to the repository root; see docs/policy.md)
      --no-policy           ignore warden.yaml
      --max-file-size SIZE  skip files larger than SIZE (e.g. 2GB); default: no limit
      --exclude GLOB        skip paths matching GLOB (repeatable), e.g. --exclude '**/*.csv'
      --concurrency N       worker threads (default: one per ~4,000 files or 4 GiB, at most one
                            per core; 1 scans in-process, without the worker's crash isolation)
      --time-budget SECS    give up on one file after SECS seconds (default 120)
      --no-progress         never draw the progress bar
  -h, --help                show this help

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it (or an expired
suppression in warden.yaml), 2 usage or tool error (including an invalid warden.yaml).
`;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'scan model files and folders for serialization attacks',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        output: { type: 'string', short: 'o' },
        ...SCAN_LIMIT_OPTIONS,
        'fail-on': { type: 'string' },
        ...POLICY_OPTIONS,
        exclude: { type: 'string', multiple: true, default: [] },
        'no-progress': { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new UsageError('give at least one file or folder to scan');
    const format = oneOf(values.format, REPORT_FORMATS, '--format');
    const failOn = values['fail-on'] === undefined ? undefined : parseSeverityFlag(values['fail-on'], '--fail-on');
    const { limits, concurrency } = scanLimitsFrom(values);

    // The policy is read before any scanning: a broken warden.yaml is a usage error, reported at once.
    const policy = await loadPolicy(values, positionals, io, 'scan');
    if (!policy) return EXIT.error;

    const bar = progressBar(io.stderr, io.isTTY && !values['no-progress'] && !io.env.CI);
    const urls = positionals.filter(isRemoteUrl);
    const paths = positionals.filter((p) => !isRemoteUrl(p));
    const local = paths.length
      ? await scanFiles(paths, {
          cwd: io.cwd,
          exclude: values.exclude,
          limits,
          ...(concurrency ? { concurrency } : {}),
          onProgress: (p) => bar.update(p),
        })
      : undefined;
    bar.clear();
    // Remote objects go through the range-request layer; their results join the same report.
    const remote = urls.length ? await scanRemote(urls, { env: io.env, limits }) : undefined;
    for (const f of remote?.failures ?? []) io.stderr(`warden scan: ${f.message}\n`);
    const scanned = mergeReports(local, remote);
    const outcome = await enforcePolicy(scanned, policy, io.cwd);
    if (!outcome.ok) {
      io.stderr(`warden scan: ${policy.file}: ${outcome.error}\n`);
      return EXIT.error;
    }
    const report = { ...scanned, findings: outcome.value.findings };
    notePolicy(io, 'scan', policy.file, outcome.value);

    const missing = report.targets.filter((t) => t.error?.code === 'not_found');
    for (const t of missing) io.stderr(`warden scan: ${t.error?.message}\n`);

    const text = renderReport(
      format,
      {
        report,
        tool: TOOL,
        rules: allRules(),
        command: `warden scan ${args.join(' ')}`,
        suppressed: outcome.value.suppressed,
      },
      { color: io.isTTY && !values.output && !io.env.NO_COLOR, baseDir: io.cwd },
    );
    if (values.output) await writeOutput(io.cwd, values.output, text);
    else io.stdout(text);

    if (missing.length > 0 || (remote?.failures.length ?? 0) > 0) return EXIT.error;
    return failingFindings(outcome.value, failOn).length > 0 ? EXIT.findings : EXIT.clean;
  },
};

export function exitFor(
  findings: readonly { severity: import('../../core/severity.js').Severity }[],
  failOn: ReturnType<typeof parseSeverityFlag>,
): number {
  if (failOn === 'none') return EXIT.clean;
  return findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.findings : EXIT.clean;
}

export type { CliIO };
