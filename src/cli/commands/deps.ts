import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { atLeast } from '../../core/severity.js';
import { auditDependencies } from '../../supply/advisories/audit.js';
import { oneOf, parseSeverityFlag } from '../args.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';
import { statOrUsage } from './sign-shared.js';

const usage = `Usage: warden deps PATH [options]

Matches the dependencies a project declares (requirements*.txt, pyproject.toml, Pipfile.lock,
poetry.lock, package.json, package-lock.json) against a curated, dated set of ML-stack advisories
(torch, keras, transformers, llama-cpp-python, mlflow, ray, vllm, langchain-core, onnx, numpy)
and, with --osv, against OSV data. Each finding names the fixed version or says none exists.

Options:
      --osv PATH            OSV records: a folder of JSON files or a zip such as osv-scanner's
                            offline all.zip (repeatable)
      --no-builtin          use only the --osv data, not the curated set
  -f, --format FORMAT       text (default) or json
      --fail-on SEVERITY    exit 1 when a finding is at least this severe (default high; none never)
  -h, --help                show this help

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or tool error.
`;

export const depsCommand: Command = {
  name: 'deps',
  summary: 'match declared dependencies against ML-stack advisories',
  usage,
  async run(args, io) {
    try {
      return await depsRun(args, io);
    } catch (e) {
      if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr(`warden deps: ${(e as Error).message}\nRun 'warden deps --help' for usage.\n`);
        return EXIT.error;
      }
      io.stderr(`warden deps: ${(e as Error).message}\n`);
      return EXIT.error;
    }
  },
};

async function depsRun(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      osv: { type: 'string', multiple: true, default: [] },
      'no-builtin': { type: 'boolean', default: false },
      format: { type: 'string', short: 'f', default: 'text' },
      'fail-on': { type: 'string', default: 'high' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one project folder or manifest file');
  const format = oneOf(values.format, ['text', 'json'] as const, '--format');
  const failOn = parseSeverityFlag(values['fail-on'], '--fail-on');
  const target = resolve(io.cwd, positionals[0]!);
  await statOrUsage(target);
  const osv = values.osv.map((p) => resolve(io.cwd, p));
  for (const p of osv) await statOrUsage(p);
  if (values['no-builtin'] && osv.length === 0) throw new UsageError('--no-builtin needs at least one --osv source');

  const r = await auditDependencies(target, { osv, noBuiltin: values['no-builtin'] });
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          manifests: r.manifests,
          dependencies: r.dependencies.length,
          advisories: r.advisories,
          findings: r.findings,
          errors: r.errors,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const f of r.findings) {
      io.stdout(
        `${f.severity.toUpperCase().padEnd(8)} ${f.path}${f.line ? `:${f.line}` : ''}  ${f.message}  [${f.ruleId}]\n`,
      );
    }
    io.stdout(
      `${r.findings.length} finding(s) in ${r.dependencies.length} dependencies from ${r.manifests.length} manifest(s); ` +
        `advisories: ${r.advisories.builtin} curated (as of ${r.advisories.asOf}), ${r.advisories.osv} from OSV\n`,
    );
    for (const e of r.errors) io.stderr(`warning: ${e}\n`);
  }
  const failing = failOn !== 'none' && r.findings.some((f) => atLeast(f.severity, failOn));
  return failing ? EXIT.findings : EXIT.clean;
}
