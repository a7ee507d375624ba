import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { atLeast } from '../../core/severity.js';
import { collectInventory } from '../../supply/bom/collect.js';
import { buildCycloneDx } from '../../supply/bom/cyclonedx.js';
import { buildSpdx } from '../../supply/bom/spdx.js';
import { TOOL } from '../../version.js';
import { oneOf, parseSeverityFlag, SCAN_LIMIT_OPTIONS, scanLimitsFrom } from '../args.js';
import { writeOutput } from '../output.js';
import { type Command, EXIT, UsageError } from '../types.js';

const usage = `Usage: warden bom PATH [options]

Writes an AI bill of materials for a model folder (or one file): every file with its SHA-256,
size, format and scan verdict (each file is scanned, nothing is loaded), the model card facts
(Hugging Face README.md front matter, config.json, generation_config.json, GGUF/ONNX/safetensors
metadata) and the Python/npm dependencies its manifests declare (requirements*.txt,
pyproject.toml, Pipfile.lock, poetry.lock, package.json). See docs/bom.md.

Options:
  -f, --format FORMAT       cyclonedx (CycloneDX 1.6 JSON, default) or spdx (SPDX 3.0.1 JSON-LD,
                            AI and Dataset profiles)
  -o, --output FILE         write the BOM to FILE instead of standard output
      --fail-on SEVERITY    exit 1 when a scan finding is at least this severe (default: none)
      --max-file-size SIZE  do not scan files larger than SIZE (they are still hashed and listed)
      --concurrency N       scan and hash threads (default: scanning sized to the work, hashing
                            one thread per core)
      --time-budget SECS    give up scanning one file after SECS seconds (default 120)
  -h, --help                show this help

Exit codes: 0 written, 1 findings at or above --fail-on, 2 usage or tool error.
`;

export const bomCommand: Command = {
  name: 'bom',
  summary: 'write an AI bill of materials (CycloneDX 1.6 or SPDX 3.0.1)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'cyclonedx' },
        output: { type: 'string', short: 'o' },
        ...SCAN_LIMIT_OPTIONS,
        'fail-on': { type: 'string', default: 'none' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one model folder or file');
    const format = oneOf(values.format, ['cyclonedx', 'spdx'] as const, '--format');
    const failOn = parseSeverityFlag(values['fail-on'], '--fail-on');
    const { limits, concurrency } = scanLimitsFrom(values);
    const target = positionals[0]!;
    if (!(await stat(resolve(io.cwd, target)).catch(() => undefined))) {
      io.stderr(`warden bom: ${target}: no such file or folder\n`);
      return EXIT.error;
    }
    const inv = await collectInventory(target, {
      cwd: io.cwd,
      limits,
      tool: TOOL,
      ...(concurrency ? { concurrency } : {}),
    });
    for (const note of inv.model.notes) io.stderr(`warden bom: ${note}\n`);
    const doc = format === 'spdx' ? buildSpdx(inv) : buildCycloneDx(inv);
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (values.output) await writeOutput(io.cwd, values.output, text);
    else io.stdout(text);
    if (failOn === 'none') return EXIT.clean;
    const hit = inv.files.some((f) => f.verdict.highestSeverity && atLeast(f.verdict.highestSeverity, failOn));
    return hit ? EXIT.findings : EXIT.clean;
  },
};
