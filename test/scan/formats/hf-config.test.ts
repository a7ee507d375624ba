import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hfConfigScanner } from '../../../src/scan/formats/hf-config.js';
import { kerasConfigScanner } from '../../../src/scan/formats/keras-config.js';
import { pythonSourceScanner } from '../../../src/scan/formats/python-source.js';
import type { FormatScanner, ScanOutcome } from '../../../src/scan/types.js';
import { autoMapConfig, BENIGN_TEMPLATE, hfConfig, SSTI_TEMPLATE, tokenizerConfig } from '../../builders/hf.js';
import { benignKeras3, source, testContext } from '../../builders/keras.js';

const corpusDir = (p: string) => resolve(process.cwd(), '../shared/corpus/files', p);
const high = (o: ScanOutcome) => o.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
const enc = new TextEncoder();

function sniff(s: FormatScanner, name: string, text: string): boolean {
  const b = enc.encode(text);
  return s.sniff({ head: b.subarray(0, 4096), size: b.length, name });
}

async function scan(s: FormatScanner, name: string, text: string | Uint8Array, siblings: string[] = []) {
  return s.scan(source(text), testContext(`model/${name}`, siblings));
}

describe('Hugging Face folders', () => {
  it('corpus hf_remote_code: config auto_map names modeling_evil.py; the module is high (os.system at import)', async () => {
    const dir = corpusDir('hf_remote_code');
    const siblings = readdirSync(dir);
    const cfg = await scan(hfConfigScanner, 'config.json', readFileSync(resolve(dir, 'config.json')), siblings);
    expect(cfg.findings.map((f) => [f.ruleId, f.severity])).toEqual([['hf/remote-code', 'medium']]);
    expect(cfg.findings[0]?.message).toContain('modeling_evil.py');
    const py = await scan(
      pythonSourceScanner,
      'modeling_evil.py',
      readFileSync(resolve(dir, 'modeling_evil.py')),
      siblings,
    );
    expect(high(py).map((f) => [f.ruleId, f.line])).toEqual([['python/shell-command', 3]]);
    expect(py.findings[0]?.evidence).toContain('curl');
  });

  it('corpus hf_benign: config.json is clean and claimed by hf-config, not keras-config', async () => {
    const text = readFileSync(corpusDir('hf_benign/config.json'), 'utf8');
    expect(sniff(hfConfigScanner, 'config.json', text)).toBe(true);
    expect(sniff(kerasConfigScanner, 'config.json', text)).toBe(false);
    const o = await scan(hfConfigScanner, 'config.json', text, ['config.json', 'model.safetensors']);
    expect(o.findings).toEqual([]);
    expect(o.metadata).toMatchObject({ model_type: 'bert' });
  });

  it('a Keras 3 config.json is claimed by keras-config, and hf-config defers to the Keras checks', async () => {
    const text = JSON.stringify(benignKeras3());
    expect(sniff(kerasConfigScanner, 'config.json', text)).toBe(true);
    expect(sniff(hfConfigScanner, 'config.json', text)).toBe(false);
    const o = await scan(hfConfigScanner, 'config.json', text);
    expect(o.metadata).toMatchObject({ kind: 'keras-config' });
  });

  it('auto_map referencing another repository (owner/repo--module.Class) is high', async () => {
    const o = await scan(
      hfConfigScanner,
      'config.json',
      autoMapConfig({ AutoModel: 'evil-org/payload--modeling_x.Model' }),
    );
    expect(high(o).map((f) => f.ruleId)).toEqual(['hf/remote-code-external']);
    expect(o.findings[0]?.message).toContain('evil-org/payload');
  });

  it('auto_map naming a file that is not in the folder says so', async () => {
    const o = await scan(
      hfConfigScanner,
      'config.json',
      autoMapConfig({ AutoConfig: 'configuration_x.XConfig', AutoModel: 'modeling_x.XModel' }),
      ['config.json', 'configuration_x.py'],
    );
    expect(o.findings[0]?.message).toMatch(/configuration_x\.py, modeling_x\.py.*not in this folder.*modeling_x\.py/);
  });

  it('tokenizer_config.json auto_map lists ([slow, fast]) are followed', async () => {
    const text = tokenizerConfig(BENIGN_TEMPLATE, { auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null] } });
    const o = await scan(hfConfigScanner, 'tokenizer_config.json', text, ['tokenization_x.py']);
    expect(o.findings.map((f) => f.ruleId)).toEqual(['hf/remote-code']);
  });

  it('CVE-2024-34359 class: SSTI in tokenizer_config.json chat_template is high; a Llama-style template is clean', async () => {
    const bad = await scan(hfConfigScanner, 'tokenizer_config.json', tokenizerConfig(SSTI_TEMPLATE));
    expect(high(bad).length).toBeGreaterThan(0);
    const good = await scan(hfConfigScanner, 'tokenizer_config.json', tokenizerConfig(BENIGN_TEMPLATE));
    expect(good.findings).toEqual([]);
  });

  it('named chat templates (list of {name, template}) are each checked', async () => {
    const text = tokenizerConfig([
      { name: 'default', template: BENIGN_TEMPLATE },
      { name: 'tool_use', template: SSTI_TEMPLATE },
    ]);
    const o = await scan(hfConfigScanner, 'tokenizer_config.json', text);
    expect(high(o).every((f) => f.message.startsWith('chat_template[tool_use]'))).toBe(true);
    expect(high(o).length).toBeGreaterThan(0);
  });

  it('chat_template.jinja is checked as a template', async () => {
    expect(sniff(hfConfigScanner, 'chat_template.jinja', SSTI_TEMPLATE)).toBe(true);
    expect(high(await scan(hfConfigScanner, 'chat_template.jinja', SSTI_TEMPLATE)).length).toBeGreaterThan(0);
    expect((await scan(hfConfigScanner, 'chat_template.jinja', BENIGN_TEMPLATE)).findings).toEqual([]);
  });

  it('deeply nested and invalid JSON configs end in an error, not a crash', async () => {
    const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const o = await scan(hfConfigScanner, 'config.json', deep);
    expect(o.findings).toEqual([]);
    expect((await scan(hfConfigScanner, 'config.json', '{"auto_map": ')).error?.code).toBe('invalid_structure');
  });

  it('ordinary JSON files with other names are not claimed', () => {
    expect(sniff(hfConfigScanner, 'data.json', hfConfig())).toBe(false);
    expect(sniff(hfConfigScanner, 'config.json', 'not json')).toBe(false);
  });
});
