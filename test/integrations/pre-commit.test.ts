import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRepo, policyWithSuppression } from '../policy/fixture-repo.js';
import { REPO_ROOT, readYaml, wardenShimDir } from './helpers.js';

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files?: string;
  pass_filenames?: boolean;
}

const hooks = () => readYaml('.pre-commit-hooks.yaml') as Hook[];

/** pre-commit's `files` is a Python regex; the only Python-only syntax we use is a leading `(?i)`. */
function filesRegex(h: Hook): RegExp {
  const src = h.files ?? '';
  return src.startsWith('(?i)') ? new RegExp(src.slice(4), 'i') : new RegExp(src);
}

const PATH = () => `${wardenShimDir()}${delimiter}${process.env.PATH}`;

/** What pre-commit does for a `language: system` hook: filter the staged files, append them to `entry`. */
function emulate(h: Hook, cwd: string, staged: string[]) {
  const files = staged.filter((f) => filesRegex(h).test(f));
  if (files.length === 0) return { status: 0, files, stderr: '' };
  const [cmd, ...args] = h.entry.split(' ');
  const r = spawnSync(cmd!, [...args, ...(h.pass_filenames === false ? [] : files)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: PATH() },
  });
  return { status: r.status, files, stderr: r.stderr };
}

describe('pre-commit hooks (.pre-commit-hooks.yaml)', () => {
  it('defines the hooks with the keys pre-commit requires', () => {
    const list = hooks();
    expect(list.map((h) => h.id)).toEqual(['warden-scan', 'warden-scan-all', 'warden-policy']);
    for (const h of list) {
      expect(h.name).toBeTruthy();
      expect(h.entry).toMatch(/^warden /);
      expect(h.language).toBe('system');
      if (h.files) expect(() => filesRegex(h)).not.toThrow();
    }
  });

  it('selects model files by name, case-insensitively, and warden.yaml for the policy hook', () => {
    const [scan, , policy] = hooks();
    const pick = (h: Hook, names: string[]) => names.filter((n) => filesRegex(h).test(n));
    expect(pick(scan!, ['m/model.PKL', 'w.safetensors', 'x.gguf', 'README.md', 'train.py', 'a.pt'])).toEqual([
      'm/model.PKL',
      'w.safetensors',
      'x.gguf',
      'a.pt',
    ]);
    expect(pick(policy!, ['warden.yaml', 'sub/.warden.yml', 'notwarden.yaml', 'warden.yaml.bak'])).toEqual([
      'warden.yaml',
      'sub/.warden.yml',
    ]);
  });

  it('emulated: blocks a staged malicious pickle, passes once warden.yaml suppresses it, rejects a broken policy', () => {
    const repo = fixtureRepo();
    const [scan, , policy] = hooks();
    const staged = ['models/classifier.bin', 'models/encoder.safetensors', 'README.md'];
    const blocked = emulate(scan!, repo.dir, staged);
    expect(blocked.files).toEqual(['models/classifier.bin', 'models/encoder.safetensors']);
    expect(blocked.status).toBe(1);
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    expect(emulate(scan!, repo.dir, staged).status).toBe(0);
    expect(emulate(policy!, repo.dir, ['warden.yaml']).status).toBe(0);
    repo.write('warden.yaml', 'version: 1\nsuppressions:\n  - { rule: pickle/*, path: "**", expires: 2999-01-01 }\n');
    const broken = emulate(policy!, repo.dir, ['warden.yaml']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain("warden.yaml:3:5: /suppressions/0 is missing the required key 'reason'");
  });

  // The real tool, where it is installed (Debian: apt-get install pre-commit). It clones the hook
  // repository from a local path, so nothing leaves the machine.
  const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
  it.runIf(preCommit)(
    'real pre-commit: `git commit` of a malicious pickle is refused, a suppressed one goes through',
    () => {
      const hooksRepo = fixtureRepo({ git: true });
      copyFileSync(resolve(REPO_ROOT, '.pre-commit-hooks.yaml'), join(hooksRepo.dir, '.pre-commit-hooks.yaml'));
      hooksRepo.git('add', '.pre-commit-hooks.yaml');
      hooksRepo.git('commit', '-q', '-m', 'hooks');
      const rev = hooksRepo.git('rev-parse', 'HEAD').trim();

      const repo = fixtureRepo();
      repo.write(
        '.pre-commit-config.yaml',
        `repos:\n  - repo: ${hooksRepo.dir}\n    rev: ${rev}\n    hooks:\n      - id: warden-scan\n      - id: warden-policy\n`,
      );
      const env = { ...process.env, PATH: PATH(), PRE_COMMIT_HOME: mkdtempSync(join(tmpdir(), 'warden-pc-')) };
      const git = (...args: string[]) =>
        spawnSync('git', args, { cwd: repo.dir, encoding: 'utf8', env: { ...env, ...gitEnv() } });
      expect(spawnSync('pre-commit', ['install'], { cwd: repo.dir, encoding: 'utf8', env }).status).toBe(0);
      git('add', '.');
      const refused = git('commit', '-q', '-m', 'add models');
      expect(refused.status).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain('pickle/dangerous-global');

      repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
      git('add', '.');
      const accepted = git('commit', '-q', '-m', 'add models with an accepted, dated exception');
      expect(accepted.status, accepted.stdout + accepted.stderr).toBe(0);
    },
  );
});

/** A fixed identity and no user config (a missing global config file is fine for git), for commits made through the hook. */
function gitEnv(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'warden-gitcfg-'));
  return {
    GIT_CONFIG_GLOBAL: join(home, 'missing-gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Warden Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Warden Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
}
