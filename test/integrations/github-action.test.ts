import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sarifValidator } from '../golden/validators.js';
import { fixtureRepo, policyWithSuppression } from '../policy/fixture-repo.js';
import { REPO_ROOT, readOutputs, readYaml, WARDEN_BIN } from './helpers.js';

const ACTION_DIR = resolve(REPO_ROOT, 'integrations/github');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

/** Runs the action's script the way its "Run Warden" step does, with the step's env mapping filled from `inputs`. */
function runAction(cwd: string, inputs: Record<string, string>) {
  const action = readYaml('integrations/github/action.yml') as {
    inputs: Record<string, { default?: string }>;
    runs: { steps: Step[] };
  };
  const step = action.runs.steps.find((s) => s.id === 'warden')!;
  // One in-process scan per run keeps the suite fast; worker start-up under tsx costs seconds.
  const given = { ...inputs, args: `--concurrency 1 ${inputs.args ?? ''}`.trim() };
  const value = (name: string) => given[name as keyof typeof given] ?? action.inputs[name]?.default ?? '';
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => value(name));
  }
  const scratch = mkdtempSync(join(tmpdir(), 'warden-gha-'));
  const output = join(scratch, 'output');
  const summary = join(scratch, 'summary.md');
  writeFileSync(output, '');
  const r = spawnSync('bash', ['-c', step.run!], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: 'true',
      GITHUB_ACTION_PATH: ACTION_DIR,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      WARDEN_BIN,
      ...env,
    },
  });
  const outputs = readOutputs(output);
  // The gate step, run as written with the script's exit-code output.
  const gate = action.runs.steps.find((s) => s.name?.startsWith('Gate'))!;
  const gated = spawnSync('bash', ['-c', gate.run!], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, WARDEN_EXIT: outputs['exit-code'] ?? '' },
  });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs,
    gate: gated.status,
    gateLog: gated.stdout,
    summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '',
  };
}

describe('GitHub composite action (integrations/github/action.yml)', () => {
  it('is a composite action: setup-node, the script, SARIF upload even on failure, then the gate', () => {
    const action = readYaml('integrations/github/action.yml') as {
      name: string;
      description: string;
      inputs: Record<string, { description: string; default?: string }>;
      outputs: Record<string, { value: string }>;
      runs: { using: string; steps: Step[] };
    };
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.runs.using).toBe('composite');
    const steps = action.runs.steps;
    expect(steps.map((s) => s.uses ?? `run:${s.id ?? s.name}`)).toEqual([
      'actions/setup-node@v4',
      'run:warden',
      'github/codeql-action/upload-sarif@v3',
      "run:Gate on Warden's exit code",
    ]);
    // Composite run steps must name their shell.
    for (const s of steps.filter((s) => s.run)) expect(s.shell).toBe('bash');
    const upload = steps[2]!;
    expect(upload.if).toContain('always()');
    expect(upload.with?.sarif_file).toMatch(/^\$\{\{ steps\.warden\.outputs\.sarif-file \}\}$/);
    expect(steps[3]!.if).toContain('always()');
    // Every input used is declared, every input is described.
    const text = readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8');
    for (const m of text.matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(m[1]);
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
    for (const o of Object.values(action.outputs)) expect(o.value).toMatch(/steps\.warden\.outputs\./);
  });

  it('never splices an input into shell text (script injection)', () => {
    const action = readYaml('integrations/github/action.yml') as { runs: { steps: Step[] } };
    for (const s of action.runs.steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
  });

  it('the example workflow checks out with LFS, grants security-events: write and uses the action', () => {
    const wf = readYaml('integrations/github/workflow-example.yml') as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: Step[] }>;
    };
    expect(wf.permissions['security-events']).toBe('write');
    const steps = Object.values(wf.jobs)[0]!.steps;
    expect(steps[0]?.uses).toMatch(/^actions\/checkout@/);
    expect(steps.some((s) => s.uses?.endsWith('/integrations/github@main'))).toBe(true);
  });

  it('on a repository with a malicious pickle: SARIF written and valid, exit-code 1, the gate fails', () => {
    const repo = fixtureRepo();
    const r = runAction(repo.dir, {});
    expect(r.status, r.stderr).toBe(0); // the script itself never fails the step: upload comes first
    expect(r.outputs).toMatchObject({ 'exit-code': '1', 'sarif-file': 'warden.sarif', 'sarif-written': 'true' });
    const sarif = JSON.parse(readFileSync(join(repo.dir, 'warden.sarif'), 'utf8'));
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results as { ruleId: string; locations: unknown[] }[];
    expect(results.map((x) => x.ruleId)).toEqual(['pickle/dangerous-global']);
    expect(r.outputs.findings).toBe('1');
    expect(r.summary).toContain('| 1 | 1 |');
    expect(r.gate).toBe(1);
    expect(r.gateLog).toContain('::error title=Warden::findings');
  });

  it('honours warden.yaml: a current suppression passes, an expired one fails with the policy finding in SARIF', () => {
    const ok = fixtureRepo();
    ok.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const passed = runAction(ok.dir, {});
    expect(passed.outputs['exit-code']).toBe('0');
    expect(passed.gate).toBe(0);
    // The suppressed finding stays in the SARIF as a dismissed result and is not counted.
    const kept = JSON.parse(readFileSync(join(ok.dir, 'warden.sarif'), 'utf8')).runs[0].results;
    expect(kept.map((x: { ruleId: string }) => x.ruleId)).toEqual(['pickle/dangerous-global']);
    expect(kept[0].suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(passed.outputs.findings).toBe('0');

    const stale = fixtureRepo();
    stale.write('warden.yaml', policyWithSuppression('2020-01-31'));
    const failed = runAction(stale.dir, { 'sarif-file': 'out/report.sarif' });
    expect(failed.outputs['exit-code']).toBe('1');
    const results = JSON.parse(readFileSync(join(stale.dir, 'out/report.sarif'), 'utf8')).runs[0].results;
    expect(results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual([
      'pickle/dangerous-global',
      'policy/expired-suppression',
    ]);
    expect(failed.gate).toBe(1);
  });

  it('passes fail-on, policy and extra args through, quoted arguments intact', () => {
    const repo = fixtureRepo();
    repo.write('strict.yaml', 'version: 1\nfail_on: none\n');
    expect(runAction(repo.dir, { policy: 'strict.yaml' }).outputs['exit-code']).toBe('0');
    expect(runAction(repo.dir, { policy: 'strict.yaml', 'fail-on': 'critical' }).outputs['exit-code']).toBe('1');
    repo.write('odd dir/evil.pkl', readFileSync(join(repo.dir, 'models/classifier.bin')));
    const r = runAction(repo.dir, { args: `--exclude 'models/**' --exclude "odd dir/**"` });
    expect(r.outputs['exit-code']).toBe('0');
    expect(r.outputs.findings).toBe('0');
  });

  it('a broken warden.yaml or a bad command is exit-code 2, no SARIF to upload, and the gate fails', () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', 'version: 1\nfail_onn: high\n');
    const r = runAction(repo.dir, {});
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.outputs['sarif-written']).toBe('false');
    expect(r.stderr).toContain("warden.yaml:2:1: unknown key 'fail_onn'");
    expect(r.gate).toBe(2);
    const bad = runAction(repo.dir, { command: 'rm -rf /' });
    expect(bad.outputs['exit-code']).toBe('2');
    expect(bad.gate).toBe(2);
  });

  it('the script is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', join(ACTION_DIR, 'run-warden.sh')])).not.toThrow();
  });
});
