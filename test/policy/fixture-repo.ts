import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Protocol 2: GLOBAL os.system, a one-tuple ('id',), REDUCE, STOP — the classic pickle payload.
export const OS_SYSTEM_PICKLE = Buffer.from('8002636f730a73797374656d0a71005802000000696471018571025271032e', 'hex');
// Protocol 4 plain data: {'lr': 0.1}
export const BENIGN_PICKLE = Buffer.from('80049512000000000000007d948c026c7294473fb999999999999a732e', 'hex');

/** A minimal valid safetensors file: one 2-element F32 tensor. */
export function safetensorsBytes(): Buffer {
  const header = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, Buffer.from(header), Buffer.alloc(8)]);
}

export interface FixtureRepo {
  readonly dir: string;
  write(path: string, content: string | Uint8Array): string;
  git(...args: string[]): string;
}

/**
 * A throwaway git repository shaped like a small ML project: a malicious pickle among a clean
 * safetensors model, plus whatever policy a test writes. `git` runs with a fixed identity and no
 * global config, so tests behave the same on every machine.
 */
export function fixtureRepo(opts: { git?: boolean } = {}): FixtureRepo {
  const dir = mkdtempSync(join(tmpdir(), 'warden-repo-'));
  // An empty config file of our own rather than /dev/null, which is not always a device in sandboxes.
  const home = mkdtempSync(join(tmpdir(), 'warden-gitcfg-'));
  writeFileSync(join(home, 'gitconfig'), '');
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: join(home, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Warden Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Warden Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  const repo: FixtureRepo = {
    dir,
    write(path, content) {
      const abs = join(dir, path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      return abs;
    },
    git(...args) {
      try {
        return execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        const x = e as { stderr?: string; status?: number };
        throw new Error(`git ${args.join(' ')} failed (${x.status}): ${x.stderr ?? ''}`);
      }
    },
  };
  if (opts.git !== false) repo.git('init', '-q', '-b', 'main', '.');
  repo.write('models/classifier.bin', OS_SYSTEM_PICKLE);
  repo.write('models/encoder.safetensors', safetensorsBytes());
  repo.write('README.md', '# demo project\n');
  return repo;
}

/** A policy with one suppression for the malicious pickle, valid through `expires`. */
export function policyWithSuppression(expires: string, extra = ''): string {
  return `version: 1
fail_on: high
${extra}suppressions:
  - rule: pickle/dangerous-global
    path: models/classifier.bin
    reason: reviewed vendor model, replacement tracked in JIRA-42
    expires: ${expires}
`;
}
