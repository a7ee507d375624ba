import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fixtureRepo, policyWithSuppression } from '../policy/fixture-repo.js';
import { REPO_ROOT, readYaml, WARDEN_BIN } from './helpers.js';

interface Job {
  stage: string;
  image: string;
  variables?: Record<string, string>;
  script: string[];
  artifacts: { when: string; paths: string[]; reports: { sast: string } };
}
interface Pipeline {
  variables: Record<string, string>;
  warden: Job;
}

/**
 * The parts of GitLab's SAST report schema (security-report-schemas v15) that GitLab enforces on
 * ingest: required scan metadata with second-precision times, and per vulnerability an id, a
 * known severity, a location with a file and at least one identifier. Written from the schema's
 * documentation; the full schema is not available offline.
 */
const GITLAB_SAST_SUBSET = {
  type: 'object',
  required: ['version', 'scan', 'vulnerabilities'],
  properties: {
    version: { type: 'string', pattern: '^15\\.' },
    scan: {
      type: 'object',
      required: ['analyzer', 'scanner', 'type', 'start_time', 'end_time', 'status'],
      properties: {
        analyzer: { $ref: '#/definitions/tool' },
        scanner: { $ref: '#/definitions/tool' },
        type: { const: 'sast' },
        start_time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$' },
        end_time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$' },
        status: { enum: ['success', 'failure'] },
      },
    },
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'identifiers', 'location'],
        properties: {
          id: { type: 'string', minLength: 1 },
          severity: { enum: ['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'] },
          location: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', minLength: 1 }, start_line: { type: 'integer', minimum: 1 } },
          },
          identifiers: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['type', 'name', 'value'],
              properties: { type: { type: 'string', minLength: 1 }, value: { type: 'string', minLength: 1 } },
            },
          },
        },
      },
    },
  },
  definitions: {
    tool: {
      type: 'object',
      required: ['id', 'name', 'version', 'vendor'],
      properties: { vendor: { type: 'object', required: ['name'] } },
    },
  },
};

const pipeline = () => readYaml('integrations/gitlab/warden.gitlab-ci.yml') as Pipeline;

/** Runs the job's script lines in order, as the GitLab runner does, stopping at the first failure. */
function runJob(cwd: string, overrides: Record<string, string> = {}) {
  const p = pipeline();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    ...p.variables,
    ...p.warden.variables,
    WARDEN_HOME: REPO_ROOT,
    WARDEN_BIN,
    WARDEN_ARGS: '--concurrency 1',
    ...overrides,
  };
  for (const line of p.warden.script) {
    const r = spawnSync('bash', ['-c', line], { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  return { status: 0, stdout: '', stderr: '' };
}

describe('GitLab CI snippet (integrations/gitlab/warden.gitlab-ci.yml)', () => {
  it('defines a job that publishes a SAST report artifact even when it fails', () => {
    const job = pipeline().warden;
    expect(job.stage).toBe('test');
    expect(job.image).toMatch(/^node:20/);
    expect(job.script.length).toBeGreaterThan(0);
    expect(job.artifacts.reports.sast).toBe('gl-sast-report.json');
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.paths).toEqual(expect.arrayContaining(['warden.sarif', 'gl-sast-report.json']));
    for (const v of ['WARDEN_COMMAND', 'WARDEN_PATH', 'WARDEN_FAIL_ON', 'WARDEN_REF']) {
      expect(Object.keys(pipeline().variables)).toContain(v);
    }
  });

  it('on a repository with a malicious pickle and an expired suppression: job fails, report lists both', () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2020-01-31'));
    const r = runJob(repo.dir);
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(repo.dir, 'gl-sast-report.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(GITLAB_SAST_SUBSET);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const byRule = Object.fromEntries(
      report.vulnerabilities.map((v: { identifiers: { value: string }[] }) => [v.identifiers[0]!.value, v]),
    );
    expect(byRule['pickle/dangerous-global']).toMatchObject({
      severity: 'Critical',
      location: { file: 'models/classifier.bin' },
    });
    expect(byRule['pickle/dangerous-global'].identifiers).toContainEqual(
      expect.objectContaining({ type: 'cwe', value: '502' }),
    );
    expect(byRule['pickle/dangerous-global'].solution).toMatch(/safetensors/);
    expect(byRule['policy/expired-suppression']).toMatchObject({
      severity: 'High',
      location: { file: 'warden.yaml', start_line: 4 },
    });
  });

  it('passes with a current suppression (empty report), and a broken policy is exit 2', () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    expect(runJob(repo.dir).status).toBe(0);
    expect(JSON.parse(readFileSync(join(repo.dir, 'gl-sast-report.json'), 'utf8')).vulnerabilities).toEqual([]);
    repo.write('warden.yaml', 'version: 1\nfail_onn: high\n');
    expect(runJob(repo.dir).status).toBe(2);
  });

  it('the converter gives each finding a stable id across runs', async () => {
    const mod = (await import(pathToFileURL(resolve(REPO_ROOT, 'integrations/gitlab/sarif-to-gitlab.mjs')).href)) as {
      sarifToGitlab: (s: unknown) => { vulnerabilities: { id: string }[] };
    };
    const sarif = {
      runs: [
        {
          tool: { driver: { version: '1.0.0', rules: [] } },
          results: [
            {
              ruleId: 'a/b',
              level: 'warning',
              message: { text: 'x' },
              partialFingerprints: { 'wardenFindingHash/v1': 'f:1' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'dir%20x/m.pkl' } } }],
            },
          ],
        },
      ],
    };
    const a = mod.sarifToGitlab(sarif);
    expect(a.vulnerabilities[0]).toMatchObject({ severity: 'Medium', location: { file: 'dir x/m.pkl' } });
    expect(mod.sarifToGitlab(sarif).vulnerabilities[0]!.id).toBe(a.vulnerabilities[0]!.id);
  });
});
