import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { atLeast } from '../../src/core/severity.js';
import { captureIO } from '../cli/helpers.js';
import { reportValidator, sarifValidator } from '../golden/validators.js';

const DEMO = 'examples/demo-project';
// Expiry dates are judged on a fixed day so the test does not change meaning over time.
const AS_OF = ['--as-of', '2026-01-01'];

interface JsonFinding {
  ruleId: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  path: string;
  member?: string;
  line?: number;
  message: string;
  remediation: string;
}
interface AuditJson {
  findings: JsonFinding[];
  audit: {
    posture: { score: number; grade: string };
    topRisks: { ruleId: string; severity: string; path: string; remediation: string }[];
    frameworks: { id: string; hit: number; categories: { id: string; findings: number }[] }[];
    inventory: Record<string, { files: number }>;
  };
}

async function audit(...args: string[]) {
  const c = captureIO(process.cwd());
  const code = await run(['audit', DEMO, '--no-progress', ...AS_OF, ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

/** Every issue planted in the demo project (see its README), as rule and file. */
const PLANTED: readonly [string, string, string?][] = [
  ['pickle/dangerous-global', 'models/checkpoints/best.pt'],
  ['data/secret', 'notebooks/explore.ipynb', 'cell[2]/outputs[0]'],
  ['supply/vulnerable-dependency', 'requirements.txt'],
  ['code/torch-load-unsafe', 'src/serve.py'],
  ['code/pickle-load', 'src/serve.py'],
  ['code/joblib-load', 'src/serve.py'],
  ['code/yaml-unsafe-load', 'src/serve.py'],
  ['code/trust-remote-code', 'src/serve.py'],
  ['code/unpinned-model-download', 'src/serve.py'],
  ['code/llm-output-shell', 'src/assistant.py'],
  ['code/prompt-injection-concat', 'src/assistant.py'],
  ['code/prompt-injection-concat', 'web/chat.ts'],
  ['policy/expired-suppression', 'warden.yaml'],
];

/** The parts of the demo that are fine: real benign checkpoints, a safetensors model, clean data and code. */
const CLEAN = [
  'models/sentiment-v1/model.safetensors',
  'models/sentiment-v1/config.json',
  'models/checkpoints/epoch_01.pt',
  'models/checkpoints/epoch_02.ckpt',
  'models/classifier/pipeline.joblib',
  'data/reviews.csv',
  'notebooks/train.ipynb',
  'src/train.py',
  'config/serving.yaml',
];

describe('warden audit on the demo project (examples/demo-project)', () => {
  let json: AuditJson;
  let code: number;
  let err: string;

  beforeAll(async () => {
    const r = await audit('--format', 'json');
    code = r.code;
    err = r.err;
    json = JSON.parse(r.out) as AuditJson;
  });

  it('finds every planted issue', () => {
    const missing = PLANTED.filter(
      ([rule, file, member]) =>
        !json.findings.some(
          (f) => f.ruleId === rule && f.path === `${DEMO}/${file}` && (member === undefined || f.member === member),
        ),
    );
    expect(missing).toEqual([]);
    const torch = json.findings.find((f) => f.ruleId === 'code/torch-load-unsafe');
    // requirements.txt pins torch 2.5.1, so the unguarded torch.load is rated high, not medium.
    expect(torch?.severity).toBe('high');
    expect(json.findings.some((f) => f.message.includes('CVE-2025-32434'))).toBe(true);
  });

  it('reports nothing on the clean parts', () => {
    const onClean = json.findings.filter((f) => CLEAN.some((c) => f.path === `${DEMO}/${c}`));
    expect(onClean).toEqual([]);
  });

  it('reports nothing it was not planted to find (no stray findings at or above medium)', () => {
    const planted = new Set(PLANTED.map(([rule, file]) => `${rule} ${DEMO}/${file}`));
    const stray = json.findings.filter((f) => atLeast(f.severity, 'medium') && !planted.has(`${f.ruleId} ${f.path}`));
    expect(stray.map((f) => `${f.ruleId} ${f.path}`)).toEqual([]);
  });

  it('ranks the hostile checkpoint first and every critical risk before the highs', () => {
    const risks = json.audit.topRisks;
    expect(risks[0]).toMatchObject({ ruleId: 'pickle/dangerous-global', severity: 'critical' });
    const firstHigh = risks.findIndex((r) => r.severity !== 'critical');
    expect(risks.slice(0, firstHigh).map((r) => r.ruleId)).toEqual([
      'pickle/dangerous-global',
      'code/llm-output-shell',
      'supply/vulnerable-dependency',
    ]);
    expect(risks.slice(firstHigh).every((r) => r.severity !== 'critical')).toBe(true);
    expect(risks[firstHigh]?.ruleId).toBe('data/secret');
  });

  it('gives every finding a remediation and scores the project as failing', () => {
    expect(json.findings.filter((f) => !f.remediation || f.remediation.length < 20)).toEqual([]);
    expect(json.audit.posture.grade).toBe('F');
    expect(json.audit.posture.score).toBeLessThan(40);
  });

  it('summarises framework coverage and inventories the project', () => {
    const llm = json.audit.frameworks.find((f) => f.id === 'owasp-llm')!;
    const hit = llm.categories.filter((c) => c.findings > 0).map((c) => c.id);
    expect(hit).toEqual(expect.arrayContaining(['LLM01:2025', 'LLM02:2025', 'LLM03:2025', 'LLM05:2025']));
    const ml = json.audit.frameworks.find((f) => f.id === 'owasp-ml')!;
    expect(ml.categories.find((c) => c.id === 'ML06:2023')!.findings).toBeGreaterThan(5);
    expect(json.audit.inventory).toMatchObject({
      model: { files: 6 },
      notebook: { files: 2 },
      manifest: { files: 1 },
      python: { files: 3 },
      javascript: { files: 1 },
    });
  });

  it('fails (exit 1) on the expired suppression and says so on stderr', () => {
    expect(code).toBe(1);
    expect(err).toContain('1 expired suppression (failing)');
  });

  it('writes a JSON report that validates against the published report schema', () => {
    const validate = reportValidator();
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('writes SARIF 2.1.0 and a Markdown summary that leads with posture and top risks', async () => {
    const sarif = await audit('--format', 'sarif');
    const validate = sarifValidator();
    expect(validate(JSON.parse(sarif.out)), JSON.stringify(validate.errors)).toBe(true);
    const md = await audit('--format', 'markdown');
    expect(md.out.split('\n')[0]).toMatch(/^## Warden audit: posture \d+\/100 \(grade F\)$/);
    expect(md.out).toContain('### Top risks');
    expect(md.out).toContain('OWASP Top 10 for LLM Applications (2025)');
  });

  it('honours --no-policy and --fail-on', async () => {
    const r = await audit('--format', 'json', '--no-policy', '--fail-on', 'none');
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.out) as AuditJson).findings.map((f) => f.ruleId);
    expect(ids).not.toContain('policy/expired-suppression');
    expect(ids).toContain('code/unpinned-model-download');
  });
});
