import { describe, expect, it } from 'vitest';
import { checkPythonCode } from '../../src/audit/code/python.js';

async function rules(src: string, ctx = {}) {
  const r = await checkPythonCode(src, ctx);
  expect(r.error).toBeUndefined();
  return r.issues.map((i) => `${i.line}:${i.rule.id}:${i.severity ?? i.rule.severity}`);
}

describe('code checks (Python): unsafe loading of untrusted artefacts', () => {
  it('pickle.load / loads through aliases, and the other pickle front-ends (CWE-502)', async () => {
    const src = [
      'import pickle as pk',
      'from dill import loads',
      'import pandas as pd',
      'a = pk.load(open("m.pkl", "rb"))',
      'b = loads(blob)',
      'c = pd.read_pickle("df.pkl")',
      'd = pk.dumps(a)',
    ].join('\n');
    expect(await rules(src)).toEqual(['4:code/pickle-load:high', '5:code/pickle-load:high', '6:code/pickle-load:high']);
  });

  it('torch.load without weights_only=True: medium by default, high when torch < 2.6 is pinned (CVE-2025-32434)', async () => {
    const src = [
      'import torch',
      'a = torch.load("a.pt")',
      'b = torch.load("b.pt", weights_only=False)',
      'c = torch.load("c.pt", weights_only=True)',
    ].join('\n');
    expect(await rules(src)).toEqual(['2:code/torch-load-unsafe:medium', '3:code/torch-load-unsafe:high']);
    expect(await rules(src, { torchBefore26: true })).toEqual([
      '2:code/torch-load-unsafe:high',
      '3:code/torch-load-unsafe:high',
    ]);
  });

  it('joblib.load, np.load(allow_pickle=True), yaml.load without SafeLoader, keras safe_mode=False', async () => {
    const src = [
      'import joblib, yaml',
      'import numpy as np',
      'from tensorflow import keras',
      'm = joblib.load("clf.joblib")',
      'x = np.load("a.npy", allow_pickle=True)',
      'y = np.load("a.npy")',
      'c1 = yaml.load(f)',
      'c2 = yaml.load(f, Loader=yaml.SafeLoader)',
      'c3 = yaml.load(f, Loader=yaml.FullLoader)',
      'c4 = yaml.unsafe_load(f)',
      'c5 = yaml.safe_load(f)',
      'k = keras.models.load_model("m.keras", safe_mode=False)',
      'k2 = keras.models.load_model("m.keras")',
    ].join('\n');
    expect(await rules(src)).toEqual([
      '4:code/joblib-load:high',
      '5:code/numpy-allow-pickle:high',
      '7:code/yaml-unsafe-load:high',
      '9:code/yaml-unsafe-load:medium',
      '10:code/yaml-unsafe-load:high',
      '12:code/keras-unsafe-mode:high',
    ]);
  });

  it('a local function named load is not a loader (calls resolve through imports only)', async () => {
    expect(await rules('def load(p):\n    return p\nx = load("a.pkl")\nobj.load("x")\n')).toEqual([]);
  });
});

describe('code checks (Python): remote code and unpinned downloads (ML supply chain)', () => {
  it('trust_remote_code=True without a pinned revision is high, with a commit hash medium', async () => {
    const src = [
      'from transformers import AutoModel',
      'a = AutoModel.from_pretrained("org/model", trust_remote_code=True)',
      'b = AutoModel.from_pretrained("org/model", trust_remote_code=True, revision="0123456789abcdef0123456789abcdef01234567")',
    ].join('\n');
    expect(await rules(src)).toEqual([
      '2:code/trust-remote-code:high',
      '2:code/unpinned-model-download:medium',
      '3:code/trust-remote-code:medium',
    ]);
  });

  it('hub downloads need revision=<sha>; a branch name is not a pin; local folders and variables are not judged', async () => {
    const src = [
      'from huggingface_hub import hf_hub_download',
      'from transformers import pipeline, AutoTokenizer',
      'p = hf_hub_download(repo_id="org/data", filename="x.bin")',
      't = AutoTokenizer.from_pretrained("org/tok", revision="main")',
      'g = pipeline("text-generation", model="org/gen")',
      'l = AutoTokenizer.from_pretrained("./local/tok")',
      'v = AutoTokenizer.from_pretrained(name)',
      'w = AutoTokenizer.from_pretrained("models/tok")',
    ].join('\n');
    const isLocalPath = (p: string) => p === 'models/tok';
    expect(await rules(src, { isLocalPath })).toEqual([
      '3:code/unpinned-model-download:medium',
      '4:code/unpinned-model-download:medium',
      '5:code/unpinned-model-download:medium',
    ]);
  });
});

describe('code checks (Python): LLM output and prompt construction (OWASP LLM01/LLM05)', () => {
  const header = [
    'import os, subprocess, sqlite3',
    'from flask import request',
    'from openai import OpenAI',
    'client = OpenAI()',
    'def ask(p):',
    '    r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": p}])',
    '    return r.choices[0].message.content',
  ];

  it('eval/exec of a completion is critical (LLM05 improper output handling)', async () => {
    const src = [...header, 'code = ask("write python")', 'exec(code)', 'eval(ask("x"))', 'eval("1+1")'].join('\n');
    expect(await rules(src)).toEqual(['9:code/llm-output-eval:critical', '10:code/llm-output-eval:critical']);
  });

  it('completion reaching os.system / subprocess is critical; a fixed command is not', async () => {
    const src = [
      ...header,
      'cmd = ask("cmd")',
      'os.system(cmd)',
      'subprocess.run(["ls", cmd])',
      'subprocess.run(["ls"])',
    ].join('\n');
    expect(await rules(src)).toEqual(['9:code/llm-output-shell:critical', '10:code/llm-output-shell:critical']);
  });

  it('completion used as SQL text is high; a bound parameter is not', async () => {
    const src = [
      ...header,
      'db = sqlite3.connect("x")',
      'sql = ask("make sql")',
      'db.execute(sql)',
      'db.execute("select * from t where a = ?", (sql,))',
    ].join('\n');
    expect(await rules(src)).toEqual(['10:code/llm-output-sql:high']);
  });

  it('request input concatenated into the system prompt is high, into a prompt medium; a separate user message is clean', async () => {
    const src = [
      ...header,
      'def handler():',
      '    q = request.json["q"]',
      '    ask(q)',
      '    prompt = "Answer: " + q',
      '    client.chat.completions.create(model="m", messages=[{"role": "system", "content": f"Rules for {q}"}])',
      '    client.chat.completions.create(model="m", messages=[{"role": "user", "content": q}])',
    ].join('\n');
    expect(await rules(src)).toEqual([
      '11:code/prompt-injection-concat:medium',
      '12:code/prompt-injection-concat:high',
    ]);
  });

  it('parameters of web routes are untrusted input', async () => {
    const src = [
      ...header,
      '@app.post("/ask")',
      'def route(question: str):',
      '    system_prompt = f"You help with {question}"',
      '    return ask(system_prompt)',
    ].join('\n');
    expect(await rules(src)).toEqual(['10:code/prompt-injection-concat:high']);
  });
});

describe('code checks (Python): hard-coded provider keys (data-module detectors on literals)', () => {
  it('flags a key in a literal and masks it in the evidence', async () => {
    const key = 'sk-proj-UgXIzEF0hf6NShixLGVjsgajpWr6I1V8qIqBSEVztO3KveUyyumEuPmrCH7D4eCl';
    const r = await checkPythonCode(`OPENAI_API_KEY = "${key}"\nother = "hello world, nothing here"\n`);
    expect(r.issues.map((i) => i.rule.id)).toEqual(['code/hardcoded-secret']);
    expect(r.issues[0]?.evidence).not.toContain(key);
    expect(r.issues[0]?.evidence).toContain('sk-p');
  });

  it('an environment lookup is not a secret', async () => {
    expect(await rules('import os\nkey = os.environ["OPENAI_API_KEY"]\n')).toEqual([]);
  });
});
