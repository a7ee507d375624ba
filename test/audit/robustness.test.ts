import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/audit/classify.js';
import { checkJsCode } from '../../src/audit/code/js.js';
import { JS_USER_EXPR } from '../../src/audit/code/js-taint.js';
import * as P from '../../src/audit/code/llm-patterns.js';
import { notebookCode } from '../../src/audit/code/notebook.js';
import { checkPythonCode } from '../../src/audit/code/python.js';
import { remediationFor } from '../../src/audit/remediation.js';
import { mergeTargets, torchBefore26 } from '../../src/audit/run.js';
import { ruleById } from '../../src/rules/catalog.js';
import type { DeclaredDependency as Dependency } from '../../src/supply/manifests/index.js';

const PY_SEED = [
  'import torch, pickle, subprocess',
  'from flask import request',
  'def f(q=request.json["q"]):',
  '    p = f"x {q}" + "y"',
  '    r = llm.invoke(p)',
  '    subprocess.run(r, shell=True)',
  '    return torch.load(r)',
].join('\n');
const JS_SEED = [
  "import { exec } from 'child_process';",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
  'const r = await openai.chat.completions.create({ messages: [{ role: "system", content: `a ${req.body.q}` }] });',
  'exec(r.choices[0].message.content);',
].join('\n');

/** Random edits of a seed: hostile and broken sources must parse into findings or a clean error, never a throw. */
const mutated = (seed: string) =>
  fc
    .array(fc.tuple(fc.nat(seed.length), fc.nat(8), fc.string({ maxLength: 8 })), { maxLength: 6 })
    .map((edits) => edits.reduce((s, [at, del, ins]) => s.slice(0, at) + ins + s.slice(at + del), seed));

describe('code checks never throw (fuzz)', () => {
  it('Python: arbitrary and mutated source', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), mutated(PY_SEED)), async (src) => {
        const r = await checkPythonCode(src);
        expect(Array.isArray(r.issues)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('TypeScript/JavaScript: arbitrary and mutated source in every dialect', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 300 }), mutated(JS_SEED)),
        fc.constantFrom('typescript', 'tsx', 'javascript') as fc.Arbitrary<'typescript' | 'tsx' | 'javascript'>,
        async (src, dialect) => {
          const r = await checkJsCode(src, dialect);
          expect(Array.isArray(r.issues)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('deeply nested expressions and huge files end in a bounded result, not a stack overflow', async () => {
    const deep = `x = ${'('.repeat(3000)}1${')'.repeat(3000)}\neval(${'f('.repeat(2000)}llm.invoke(q)${')'.repeat(2000)})\n`;
    const r = await checkPythonCode(deep);
    expect(r.issues.every((i) => i.line >= 1)).toBe(true);
    const big = await checkPythonCode('x = 1\n'.repeat(300_000));
    expect(big.error?.code).toBe('limit_exceeded');
    const js = await checkJsCode(`const a = ${'['.repeat(3000)}${']'.repeat(3000)};`, 'javascript');
    expect(Array.isArray(js.issues)).toBe(true);
  });

  it('notebooks: malformed JSON is not a notebook; magics are neutralised; lines map back to cells', async () => {
    expect(notebookCode('{"cells": 3')).toBeUndefined();
    expect(notebookCode('[]')).toBeUndefined();
    const nb = notebookCode(
      JSON.stringify({
        cells: [
          { cell_type: 'markdown', source: ['# t'] },
          { cell_type: 'code', source: ['!pip install torch\n', 'import torch\n'] },
          { cell_type: 'code', source: 'm = torch.load("x.pt")' },
        ],
      }),
    )!;
    const r = await checkPythonCode(nb.source);
    expect(r.issues.map((i) => [i.rule.id, nb.locate(i.line)])).toEqual([
      ['code/torch-load-unsafe', { member: 'cell[2]/source', line: 1 }],
    ]);
  });
});

describe('regular expressions that see untrusted text are linear (ReDoS)', () => {
  const patterns: [string, RegExp][] = [
    ['LLM_CALL_SUFFIX', P.LLM_CALL_SUFFIX],
    ['LLM_RECEIVER', P.LLM_RECEIVER],
    ['PY_USER_EXPR', P.PY_USER_EXPR],
    ['ROUTE_DECORATOR', P.ROUTE_DECORATOR],
    ['PROMPT_NAME', P.PROMPT_NAME],
    ['HUB_REPO_ID', P.HUB_REPO_ID],
    ['JS_USER_EXPR', JS_USER_EXPR],
  ];
  for (const [name, re] of patterns) {
    it(`${name} stays fast on adversarial input`, () => {
      for (const unit of ['a', '.', 'a.', 'request.', 'chat.completions.', 'a/', '_', ' ']) {
        const text = `${unit.repeat(20_000)}!`;
        const t0 = performance.now();
        re.test(text);
        expect(performance.now() - t0, `${name} on ${JSON.stringify(unit)}`).toBeLessThan(100);
      }
    });
  }

  it('remediation rewriting stays fast on adversarial evidence', () => {
    const rule = ruleById('code/torch-load-unsafe');
    for (const evidence of [
      'torch.load('.repeat(5000),
      `torch.load(${'('.repeat(5000)}`,
      `yaml.load(${'a('.repeat(5000)}`,
    ]) {
      const t0 = performance.now();
      remediationFor(
        { ruleId: 'code/torch-load-unsafe', path: 'x.py', message: 'm', severity: 'high', evidence },
        rule,
      );
      remediationFor({ ruleId: 'code/yaml-unsafe-load', path: 'x.py', message: 'm', severity: 'high', evidence }, rule);
      expect(performance.now() - t0).toBeLessThan(100);
    }
  });
});

describe('discovery and merging', () => {
  it('routes files by kind; a .py next to weights is model code for the model scanner', () => {
    const r = (p: string, sib: string[] = []) => {
      const x = classify(p, sib);
      return `${x.kind}:${x.model ? 'M' : ''}${x.data ?? ''}${x.code ? `:${x.code}` : ''}${x.deps ? ':deps' : ''}`;
    };
    expect(r('models/a.safetensors')).toBe('model:M');
    expect(r('models/bert/config.json')).toBe('model:Msecrets');
    expect(r('hf/modeling_x.py', ['config.json', 'modeling_x.py'])).toBe('model-code:M');
    expect(r('src/app.py', ['app.py'])).toBe('python::python');
    expect(r('nb/a.ipynb')).toBe('notebook:all:notebook');
    expect(r('requirements-dev.txt')).toBe('manifest:secrets:deps');
    expect(r('.github/workflows/ci.yml')).toBe('ci:secrets');
    expect(r('web/app.tsx')).toBe('javascript::javascript');
    expect(r('web/dist/app.js')).toBe('other:');
    expect(r('data/x.parquet')).toBe('dataset:all');
    expect(r('weights')).toBe('other:M');
    expect(r('warden.yaml')).toBe('policy:');
    expect(r('img/logo.png')).toBe('media:');
  });

  it('merges the passes over one file into one target (worst status, formats joined)', () => {
    const merged = mergeTargets([
      { path: 'nb.ipynb', format: 'data/notebook', status: 'ok', sizeBytes: 10, bytesRead: 10 },
      { path: 'nb.ipynb', format: 'code/notebook', status: 'partial', sizeBytes: 10, bytesRead: 4 },
      { path: 'm.pt', member: 'a/data.pkl', format: 'pickle', status: 'ok', sizeBytes: 3, bytesRead: 3 },
    ]);
    expect(merged).toEqual([
      { path: 'nb.ipynb', format: 'data/notebook+code/notebook', status: 'partial', sizeBytes: 10, bytesRead: 10 },
      { path: 'm.pt', member: 'a/data.pkl', format: 'pickle', status: 'ok', sizeBytes: 3, bytesRead: 3 },
    ]);
  });

  it('knows when a manifest keeps torch below 2.6 (torch.load unpickles by default there)', () => {
    const dep = (spec: string, pinned?: string): Dependency => ({
      ecosystem: 'PyPI',
      name: 'torch',
      spec,
      file: 'requirements.txt',
      ...(pinned ? { pinned } : {}),
    });
    expect(torchBefore26([dep('==2.5.1', '2.5.1')])).toBe(true);
    expect(torchBefore26([dep('==2.6.0', '2.6.0')])).toBe(false);
    expect(torchBefore26([dep('<2.5')])).toBe(true);
    expect(torchBefore26([dep('>=2.0')])).toBe(false);
    expect(torchBefore26([dep('')])).toBe(false);
  });
});
