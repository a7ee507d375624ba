import { describe, expect, it } from 'vitest';
import { checkJsCode } from '../../src/audit/code/js.js';
import type { JsDialect } from '../../src/audit/code/js-parser.js';

async function rules(src: string, dialect: JsDialect = 'typescript') {
  const r = await checkJsCode(src, dialect);
  expect(r.error).toBeUndefined();
  return r.issues.map((i) => `${i.line}:${i.rule.id}:${i.severity ?? i.rule.severity}`);
}

const header = [
  "import OpenAI from 'openai';",
  "import { exec as run } from 'node:child_process';",
  "const cp = require('child_process');",
  'const openai = new OpenAI();',
  'async function ask(prompt: string) {',
  "  const r = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] });",
  '  return r.choices[0].message.content;',
  '}',
];

describe('code checks (TS/JS LLM apps): LLM output handling (OWASP LLM05)', () => {
  it('eval, new Function and vm of a completion are critical', async () => {
    const src = [
      ...header,
      "import vm from 'node:vm';",
      "const code = await ask('x');",
      'eval(code);',
      'new Function(code)();',
      'vm.runInNewContext(code);',
      "eval('1 + 1');",
    ].join('\n');
    expect(await rules(src)).toEqual([
      '11:code/llm-output-eval:critical',
      '12:code/llm-output-eval:critical',
      '13:code/llm-output-eval:critical',
    ]);
  });

  it('child_process with a completion (imported, aliased or required) is critical', async () => {
    const src = [
      ...header,
      "const cmd = await ask('cmd');",
      'run(cmd);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      'cp.execSync(`ls ${cmd}`);',
      "run('ls');",
    ].join('\n');
    expect(await rules(src)).toEqual(['10:code/llm-output-shell:critical', '11:code/llm-output-shell:critical']);
  });

  it('raw SQL from a completion is high; an unrelated query() receiver is not judged', async () => {
    const src = [
      ...header,
      "const sql = await ask('sql');",
      'await pool.query(sql);',
      'await prisma.$queryRawUnsafe(sql);',
      'await index.query(sql);',
    ].join('\n');
    expect(await rules(src)).toEqual(['10:code/llm-output-sql:high', '11:code/llm-output-sql:high']);
  });
});

describe('code checks (TS/JS LLM apps): prompts from request input (OWASP LLM01)', () => {
  it('template literal with req.body in a message is medium, in the system message high; a separate message is clean', async () => {
    const src = [
      ...header,
      "app.post('/chat', async (req, res) => {",
      '  const q = req.body.q;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      "  await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `Summarise: ${q}` }] });",
      "  await openai.chat.completions.create({ model: 'm', messages: [{ role: 'system', content: 'Rules: ' + q }] });",
      "  await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: q }] });",
      '});',
    ].join('\n');
    expect(await rules(src)).toEqual([
      '11:code/prompt-injection-concat:medium',
      '12:code/prompt-injection-concat:high',
    ]);
  });

  it('Next.js route: destructured `await req.json()` into a prompt variable (JavaScript grammar)', async () => {
    const src = [
      'export async function POST(req) {',
      '  const { question } = await req.json();',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      '  const prompt = `Answer briefly: ${question}`;',
      '  return generateText({ model, prompt });',
      '}',
    ].join('\n');
    expect(await rules(src, 'javascript')).toEqual(['3:code/prompt-injection-concat:medium']);
  });
});

describe('code checks (TS/JS LLM apps): hard-coded keys', () => {
  it('flags an Anthropic key in a literal (TSX grammar), not process.env', async () => {
    const key = `sk-ant-api03-${'Zx8aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5aB6cD7eF8gH9iJ0kL1mN2oP3qR4sT5uV6wX7yZ8aB9cD0eF1gH2'}-AAAA`;
    const src = `const a = new Anthropic({ apiKey: '${key}' });\nconst b = process.env.ANTHROPIC_API_KEY;\nexport const X = () => <div>{b}</div>;\n`;
    const r = await checkJsCode(src, 'tsx');
    expect(r.issues.map((i) => `${i.line}:${i.rule.id}`)).toEqual(['1:code/hardcoded-secret']);
    expect(r.issues[0]?.evidence).not.toContain(key);
  });
});
