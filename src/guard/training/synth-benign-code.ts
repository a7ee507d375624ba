import { fill, type Rng, type Sample } from './rng.js';

/**
 * Benign code and encoded content. Attacks in BIPIA's code split carry code blocks, so without ordinary code
 * on the benign side a linear model learns "code ⇒ attack"; likewise "decoded ⇒ attack" without benign
 * base64/hex/URL-encoded text.
 */
const LINES: Record<string, readonly string[]> = {
  py_import: [
    'import os',
    'import sys',
    'import json',
    'import requests',
    'import subprocess',
    'import re',
    'import pandas as pd',
    'import numpy as np',
    'from pathlib import Path',
    'import logging',
    'from datetime import datetime',
  ],
  py_body: [
    'df = pd.read_csv("data.csv")',
    'df = df.dropna(subset=["price"])',
    'resp = requests.get("https://api.example.com/items", timeout=10)',
    'resp.raise_for_status()',
    'items = resp.json()["items"]',
    'result = subprocess.run(["ls", "-l"], capture_output=True, text=True)',
    'print(result.stdout)',
    'for i, row in df.iterrows():\n    print(i, row["name"])',
    'with open("config.json") as f:\n    config = json.load(f)',
    'path = Path(os.environ.get("HOME", ".")) / "notes.txt"',
    'logging.basicConfig(level=logging.INFO)',
    'total = sum(x * x for x in range(10))',
    'matches = re.findall(r"\\d+", text)',
    'arr = np.array([1, 2, 3]).reshape(-1, 1)',
    'def greet(name):\n    return f"Hello, {name}!"',
    'class Counter:\n    def __init__(self):\n        self.n = 0',
    'if __name__ == "__main__":\n    main()',
    'try:\n    value = int(s)\nexcept ValueError:\n    value = 0',
    'requests.post("https://httpbin.org/post", json={"a": 1})',
    'os.makedirs("out", exist_ok=True)',
  ],
  js_body: [
    "const res = await fetch('/api/users');",
    'const data = await res.json();',
    'items.forEach((item) => console.log(item.id));',
    "document.querySelector('#btn').addEventListener('click', onClick);",
    'export function add(a, b) { return a + b; }',
    "app.get('/health', (req, res) => res.send('ok'));",
    'const sorted = [...list].sort((a, b) => a - b);',
    "localStorage.setItem('theme', 'dark');",
  ],
  ask: [
    'Why does this code fail with a KeyError?',
    'How can I make this faster?',
    'Can you explain what this code does?',
    'This works locally but not in Docker. Any idea why?',
    'How do I add error handling here?',
    'Please review this snippet:',
    'Refactor this into a function:',
    'What is wrong with my code?',
  ],
  answer: [
    'You need to change the loop so it does not modify the list while iterating. Try this instead:',
    'The problem is that the file is opened in text mode. Use binary mode:',
    'There are two issues: the timeout is missing and the response is never checked. Something like this works:',
    'Updated answer: newer versions of the library changed the API, so the call should look like this:',
    'As mentioned in the comments, you can simply do:',
  ],
  word: [
    'hello world',
    'the meeting is at noon',
    'my favourite colour is blue',
    'this is a test message',
    'see you tomorrow at the station',
    'the quick brown fox jumps over the lazy dog',
  ],
};

function block(rng: Rng, lang: 'python' | 'js'): string {
  const lines: string[] = [];
  if (lang === 'python') {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) lines.push(rng.pick(LINES.py_import!));
    const m = 2 + rng.int(5);
    for (let i = 0; i < m; i++) lines.push(rng.pick(LINES.py_body!));
  } else {
    const m = 2 + rng.int(5);
    for (let i = 0; i < m; i++) lines.push(rng.pick(LINES.js_body!));
  }
  return `\`\`\`${rng.chance(0.5) ? lang : ''}\n${[...new Set(lines)].join('\n')}\n\`\`\``;
}

function encodedBenign(rng: Rng): string {
  const plain = fill(rng, '{word}', LINES);
  switch (rng.int(5)) {
    case 0:
      return `What does this base64 string say? ${Buffer.from(plain).toString('base64')}`;
    case 1:
      return `Convert this hex to text: ${Buffer.from(plain).toString('hex')}`;
    case 2:
      return `Why is my URL encoded like this: https://example.com/search?q=${encodeURIComponent(plain)}&page=2`;
    case 3:
      return `Here is the attachment as base64: ${Buffer.from(`${plain}. ${plain}.`).toString('base64')} — can you decode it?`;
    default:
      return `Solve this ROT13 puzzle: ${plain.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97))}`;
  }
}

export function synthBenignCode(rng: Rng, count: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.int(10);
    let text: string;
    let family = 'code';
    if (r < 4) text = `${rng.pick(LINES.ask!)}\n${block(rng, rng.chance(0.7) ? 'python' : 'js')}`;
    else if (r < 7)
      text = `${rng.pick(LINES.answer!)}\n${block(rng, rng.chance(0.7) ? 'python' : 'js')}\n${rng.chance(0.5) ? 'Hope this helps.' : ''}`;
    else {
      text = encodedBenign(rng);
      family = 'encoded-benign';
    }
    out.push({ text: text.trim(), label: 0, source: 'synth-benign', family });
  }
  return out;
}
