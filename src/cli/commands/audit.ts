import { parseArgs } from 'node:util';
import { renderAudit } from '../../audit/report.js';
import { type AuditProgress, runAudit } from '../../audit/run.js';
import { enforcePolicy } from '../../io/policy-file.js';
import { failingFindings } from '../../policy/index.js';
import { REPORT_FORMATS } from '../../report/index.js';
import { allRules } from '../../rules/catalog.js';
import { TOOL } from '../../version.js';
import { oneOf, parseSeverityFlag, SCAN_LIMIT_OPTIONS, scanLimitsFrom } from '../args.js';
import { writeOutput } from '../output.js';
import { loadPolicy, notePolicy, POLICY_OPTIONS } from '../policy.js';
import { type Command, EXIT, UsageError } from '../types.js';

const usage = `Usage: warden audit [PATH] [options]

Audits a whole ML project (default: the current folder) the way an attacker would look at it:
discovers model files and folders, datasets, notebooks, dependency manifests, Python sources,
TypeScript/JavaScript LLM app code and CI workflows, and runs every applicable check in one report —
model scanning, secrets and personal data, ML dependency advisories, and code checks (unsafe
loaders, trust_remote_code, unpinned downloads, LLM output reaching eval/shell/SQL, prompt
concatenation, hard-coded keys). Reports lead with a posture score (docs/posture.md), the top risks
with concrete remediation, and coverage of MITRE ATLAS, OWASP ML Top 10 (2023) and OWASP LLM Top 10
(2025). Nothing is loaded or executed.

Options:
  -f, --format FORMAT       text (default), json, sarif, markdown or html (one self-contained file)
  -o, --output FILE         write the report to FILE instead of standard output
      --fail-on SEVERITY    exit 1 when a finding is at least this severe: critical, high, medium,
                            low, info or none (default: the policy's fail_on, else high)
      --policy FILE         apply this policy file (default: warden.yaml in PATH or above it)
      --no-policy           ignore warden.yaml
      --as-of YYYY-MM-DD    judge suppression expiry dates on this day instead of today
      --exclude GLOB        skip paths matching GLOB (repeatable); node_modules, virtualenvs and
                            caches are always skipped
      --max-file-size SIZE  skip model files larger than SIZE (e.g. 2GB); default: no limit
      --concurrency N       worker threads for model scanning (default: sized to the work, at most
                            one per core)
      --time-budget SECS    give up on one model file after SECS seconds (default 120)
      --no-progress         never draw progress
  -h, --help                show this help

Exit codes: 0 no finding at or above the threshold, 1 findings at or above it (or an expired
suppression in warden.yaml), 2 usage or tool error (including an invalid warden.yaml).
`;

function parseDate(text: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T12:00:00Z`) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--as-of: expected YYYY-MM-DD, got '${text}'`);
  return d;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit a whole ML project: models, data, dependencies, code; posture and frameworks',
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
        'as-of': { type: 'string' },
        exclude: { type: 'string', multiple: true, default: [] },
        'no-progress': { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 1) throw new UsageError('give one project folder to audit');
    const root = positionals[0] ?? '.';
    const format = oneOf(values.format, REPORT_FORMATS, '--format');
    const failOn = values['fail-on'] === undefined ? undefined : parseSeverityFlag(values['fail-on'], '--fail-on');
    const now = values['as-of'] === undefined ? new Date() : parseDate(values['as-of']);
    const { limits, concurrency } = scanLimitsFrom(values);

    // A broken warden.yaml is reported before any work, as for `warden scan`.
    const policy = await loadPolicy(values, [root], io, 'audit');
    if (!policy) return EXIT.error;

    const showProgress = io.isTTY && !values['no-progress'] && !io.env.CI;
    let lastDraw = 0;
    const onProgress = (p: AuditProgress) => {
      const t = Date.now();
      if (!showProgress || t - lastDraw < 100) return;
      lastDraw = t;
      io.stderr(`\rwarden audit: ${p.phase} ${p.total ? `${p.done}/${p.total}` : ''}\x1b[K`);
    };
    const scanned = await runAudit(root, {
      cwd: io.cwd,
      exclude: values.exclude,
      limits,
      ...(concurrency ? { concurrency } : {}),
      onProgress,
    });
    if (showProgress) io.stderr('\r\x1b[K');
    const missing = scanned.targets.filter((t) => t.error?.code === 'not_found');
    for (const t of missing) io.stderr(`warden audit: ${t.error?.message}\n`);
    for (const e of scanned.errors) io.stderr(`warden audit: ${e}\n`);

    const outcome = await enforcePolicy(scanned, policy, io.cwd, now);
    if (!outcome.ok) {
      io.stderr(`warden audit: ${policy.file}: ${outcome.error}\n`);
      return EXIT.error;
    }
    const report = { ...scanned, findings: outcome.value.findings };
    notePolicy(io, 'audit', policy.file, outcome.value);

    const text = renderAudit(
      format,
      {
        report,
        tool: TOOL,
        rules: allRules(),
        command: `warden audit ${args.join(' ')}`.trim(),
        suppressed: outcome.value.suppressed,
      },
      { color: io.isTTY && !values.output && !io.env.NO_COLOR, baseDir: io.cwd },
    );
    if (values.output) await writeOutput(io.cwd, values.output, text);
    else io.stdout(text);

    if (missing.length > 0) return EXIT.error;
    // An expired suppression fails whatever --fail-on says (only `none` turns failing off).
    return failingFindings(outcome.value, failOn).length > 0 ? EXIT.findings : EXIT.clean;
  },
};
