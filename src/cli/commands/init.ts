import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findPolicyFile, loadPolicyFile } from '../../io/policy-file.js';
import { formatPolicyError, starterPolicy } from '../../policy/index.js';
import { type Command, EXIT, UsageError } from '../types.js';

const usage = `Usage: warden init [DIR] [options]
       warden init --check [FILE...]

Writes a commented starter policy, DIR/warden.yaml (default: the current folder). Every
\`warden scan\` and \`warden audit\` under DIR honours it. Reference: docs/policy.md.

Options:
      --force        overwrite an existing warden.yaml
      --stdout       print the starter policy instead of writing it
      --check        validate policy files (FILE..., or the warden.yaml found from here up to
                     the repository root) and print their errors with line and column
  -h, --help         show this help

Exit codes: 0 written (or valid), 2 usage error, file exists, or invalid policy.
`;

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented starter warden.yaml (policy as code)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        force: { type: 'boolean', default: false },
        stdout: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
      },
    });
    if (values.check) {
      // Several files at once: pre-commit passes every staged warden.yaml.
      const files = positionals.length > 0 ? positionals : [await findPolicyFile('.', io.cwd)];
      let valid = true;
      for (const file of files) {
        if (file === undefined) throw new UsageError('no warden.yaml found here or above; give the file to check');
        const loaded = await loadPolicyFile(file, io.cwd);
        if (loaded.ok) io.stdout(`${loaded.value.file}: valid\n`);
        else {
          valid = false;
          for (const e of loaded.error) io.stderr(`${formatPolicyError(e)}\n`);
        }
      }
      return valid ? EXIT.clean : EXIT.error;
    }
    if (positionals.length > 1) throw new UsageError('give at most one folder');
    const text = starterPolicy();
    if (values.stdout) {
      io.stdout(text);
      return EXIT.clean;
    }
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const target = join(dir, 'warden.yaml');
    const shown = relative(io.cwd, target) || 'warden.yaml';
    await mkdir(dir, { recursive: true });
    try {
      // 'wx' fails if the file exists, so an existing policy is never clobbered by accident.
      await writeFile(target, text, { flag: values.force ? 'w' : 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        io.stderr(`warden init: ${shown} already exists; use --force to overwrite it\n`);
        return EXIT.error;
      }
      throw e;
    }
    io.stdout(`wrote ${shown}; edit it, then run 'warden scan .' (docs/policy.md explains every key)\n`);
    return EXIT.clean;
  },
};
