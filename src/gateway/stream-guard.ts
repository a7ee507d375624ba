import { errorBody, type GatewayErrorCode } from './errors.js';
import { guardSlots, maskSpans, type OutputContext, OutputVerdict } from './output-scan.js';
import { safeCut } from './redact.js';
import type { RouteKind } from './routes.js';
import { formatSse, type SseEvent } from './sse.js';
import { responseSlots, type TextSlot } from './texts.js';
import type { StreamPolicy } from './types.js';

interface Channel {
  /** Model text received but not yet sent (raw: placeholders not yet restored). */
  pending: string;
  /** The tail of what was already sent (raw), left context for the next scan. */
  ctx: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Incremental output guard for one SSE response. Each choice's text (and tool-call arguments) is a
 * channel: text is held back `holdback` characters, and before anything is released the channel's
 * recent context plus its pending text is scanned — so a leak split across any number of chunks is seen
 * whole before its first byte leaves, while memory stays bounded (`context + holdback + chunk` per
 * channel) however long the stream runs. Events are rewritten in place; nothing is buffered beyond that.
 */
export class StreamGuard {
  private readonly channels = new Map<string, Channel>();
  private readonly step: number;
  private readonly holdback: number;
  private envelope: Obj = {};
  private readonly seenFull = new Map<string, string | null>();
  readonly verdict = new OutputVerdict();
  blocked = false;
  /** Characters of completion text sent so far (volume limits charge by it). */
  released = 0;

  constructor(
    private readonly kind: RouteKind,
    private readonly ctx: OutputContext,
    stream: StreamPolicy,
  ) {
    // `log` never withholds text; `block`/`redact` must see a leak before releasing it.
    this.holdback = ctx.policy.action === 'log' || ctx.policy.action === 'off' ? 0 : stream.holdback;
    this.step = Math.max(16, Math.min(128, this.holdback >> 1));
    this.contextChars = stream.context;
  }

  private readonly contextChars: number;

  /** One upstream event in; the SSE text to send out (maybe ''), or undefined when the stream is blocked. */
  onEvent(e: SseEvent): string | undefined {
    if (e.data === '[DONE]') {
      const flushed = this.flushAll();
      return flushed === undefined ? undefined : flushed + formatSse(e);
    }
    let obj: unknown;
    try {
      obj = JSON.parse(e.data);
    } catch {
      return formatSse(e);
    }
    if (!isObj(obj) || obj.error !== undefined) return formatSse(e);
    const out = this.kind === 'responses' ? this.responsesEvent(obj) : this.choicesEvent(obj);
    if (out === undefined || this.blocked) return undefined;
    // Held-back text leaves many events with nothing in them: dropping them saves clients the parse.
    if (this.emptied(obj)) return out;
    return out + formatSse({ ...e, data: JSON.stringify(obj) });
  }

  private emptied(obj: Obj): boolean {
    if (this.kind === 'responses')
      return obj.delta === '' && typeof obj.type === 'string' && obj.type.endsWith('.delta');
    const choices = obj.choices;
    if (!Array.isArray(choices) || choices.length === 0 || (obj.usage !== undefined && obj.usage !== null))
      return false;
    return choices.every((c) => {
      if (!isObj(c) || (c.finish_reason !== null && c.finish_reason !== undefined)) return false;
      if (this.kind === 'completions') return c.text === '' && (c.logprobs === null || c.logprobs === undefined);
      return (
        isObj(c.delta) && Object.entries(c.delta).every(([k, v]) => (k === 'content' || k === 'refusal') && v === '')
      );
    });
  }

  /** Upstream body ended without `[DONE]` (responses streams end that way): flush what is held. */
  finish(): string | undefined {
    return this.flushAll();
  }

  private push(key: string, delta: string, final: boolean): string | undefined {
    let ch = this.channels.get(key);
    if (!ch) {
      ch = { pending: '', ctx: '' };
      this.channels.set(key, ch);
    }
    ch.pending += delta;
    if (!final && ch.pending.length < this.holdback + this.step) return '';
    const action = this.ctx.policy.action;
    if (action !== 'off' && ch.pending.length > 0) {
      const r = this.ctx.scan(ch.ctx + ch.pending);
      // Spans wholly inside the context were judged when they were pending.
      const spans = r.spans.filter((s) => s.end > ch.ctx.length);
      this.verdict.add(r, spans);
      if (spans.length > 0 && action === 'block') {
        this.blocked = true;
        return undefined;
      }
      if (spans.length > 0 && action === 'redact') ch.pending = maskSpans(ch.pending, spans, ch.ctx.length);
    }
    const cut = final ? ch.pending.length : safeCut(ch.pending, ch.pending.length - this.holdback);
    const raw = ch.pending.slice(0, cut);
    ch.pending = ch.pending.slice(cut);
    ch.ctx = (ch.ctx + raw).slice(-this.contextChars);
    if (final) this.channels.delete(key);
    this.released += raw.length;
    return this.ctx.session.restore(raw, this.ctx.restoreMode);
  }

  private choicesEvent(obj: Obj): string | undefined {
    const { choices, ...envelope } = obj;
    this.envelope = envelope;
    if (!Array.isArray(choices)) return '';
    for (const [pos, c] of choices.entries()) {
      if (!isObj(c)) continue;
      const idx = typeof c.index === 'number' ? c.index : pos;
      const final = c.finish_reason !== null && c.finish_reason !== undefined;
      if (this.kind === 'completions') {
        const t = this.push(`${idx}:text`, typeof c.text === 'string' ? c.text : '', final);
        if (t === undefined) return undefined;
        if (typeof c.text === 'string' || t) c.text = t;
        continue;
      }
      const delta = isObj(c.delta) ? c.delta : {};
      for (const field of ['content', 'refusal'] as const) {
        const key = `${idx}:${field}`;
        if (typeof delta[field] !== 'string' && !(final && this.channels.has(key))) continue;
        const t = this.push(key, typeof delta[field] === 'string' ? delta[field] : '', final);
        if (t === undefined) return undefined;
        delta[field] = t;
      }
      const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
      for (const tc of calls) {
        if (!isObj(tc) || !isObj(tc.function) || typeof tc.function.arguments !== 'string') continue;
        const t = this.push(`${idx}:tool:${tc.index ?? 0}`, tc.function.arguments, false);
        if (t === undefined) return undefined;
        tc.function.arguments = t;
      }
      if (final) {
        for (const key of [...this.channels.keys()]) {
          if (!key.startsWith(`${idx}:tool:`)) continue;
          const t = this.push(key, '', true);
          if (t === undefined) return undefined;
          if (t) calls.push({ index: Number(key.slice(key.lastIndexOf(':') + 1)), function: { arguments: t } });
        }
        if (calls.length > 0) delta.tool_calls = calls;
      }
      c.delta = delta;
    }
    return '';
  }

  private responsesEvent(obj: Obj): string | undefined {
    const type = typeof obj.type === 'string' ? obj.type : '';
    const key = `${obj.output_index ?? 0}:${obj.content_index ?? 0}:${type.slice(0, type.lastIndexOf('.'))}`;
    if (type === 'response.output_text.delta' || type === 'response.refusal.delta') {
      const t = this.push(key, typeof obj.delta === 'string' ? obj.delta : '', false);
      if (t === undefined) return undefined;
      obj.delta = t;
      return '';
    }
    if (type === 'response.function_call_arguments.delta') {
      const t = this.push(key, typeof obj.delta === 'string' ? obj.delta : '', false);
      if (t === undefined) return undefined;
      obj.delta = t;
      return '';
    }
    let prefix = '';
    if (type.endsWith('.done') && this.channels.has(key)) {
      const t = this.push(key, '', true);
      if (t === undefined) return undefined;
      if (t) {
        const { text: _t, refusal: _r, arguments: _a, ...rest } = obj;
        prefix = formatSse({
          event: type.replace(/\.done$/, '.delta'),
          data: JSON.stringify({ ...rest, type: type.replace(/\.done$/, '.delta'), delta: t }),
        });
      }
    }
    if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      const flushed = this.flushAll();
      if (flushed === undefined) return undefined;
      prefix += flushed;
    }
    return this.guardFull(this.fullSlots(type, obj)) ? prefix : undefined;
  }

  /** Text fields of the responses API's full-text events: they repeat what the deltas carried. */
  private fullSlots(type: string, obj: Obj): TextSlot[] {
    const one = (holder: Obj, field: string): TextSlot[] =>
      typeof holder[field] === 'string'
        ? [{ param: field, role: 'assistant', text: holder[field], set: (v) => (holder[field] = v) }]
        : [];
    switch (type) {
      case 'response.output_text.done':
        return one(obj, 'text');
      case 'response.refusal.done':
        return one(obj, 'refusal');
      case 'response.function_call_arguments.done':
        return one(obj, 'arguments');
      case 'response.content_part.done':
      case 'response.content_part.added':
        return isObj(obj.part) ? one(obj.part, 'text') : [];
      case 'response.output_item.done':
      case 'response.output_item.added':
        return responseSlots('responses', { output: [obj.item] });
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
      case 'response.created':
      case 'response.in_progress':
        return responseSlots('responses', obj.response);
      default:
        return [];
    }
  }

  private guardFull(slots: TextSlot[]): boolean {
    for (const s of slots) {
      const memo = this.seenFull.get(s.text);
      if (memo === null) return false;
      if (memo !== undefined) {
        s.set(memo);
        continue;
      }
      const original = s.text;
      let out = original;
      const ok = guardSlots(this.ctx, [{ ...s, set: (v) => (out = v) }], this.verdict);
      if (this.seenFull.size < 64) this.seenFull.set(original, ok ? out : null);
      if (!ok) {
        this.blocked = true;
        return false;
      }
      if (out !== original) s.set(out);
    }
    return true;
  }

  /** Sends whatever is still held, as synthetic delta events in the stream's own shape. */
  private flushAll(): string | undefined {
    let out = '';
    for (const key of [...this.channels.keys()]) {
      const t = this.push(key, '', true);
      if (t === undefined) return undefined;
      if (!t) continue;
      out += formatSse({ data: JSON.stringify(this.syntheticDelta(key, t)), ...this.eventName(key) });
    }
    return out;
  }

  private eventName(key: string): { event?: string } {
    if (this.kind !== 'responses') return {};
    return { event: `${key.slice(key.indexOf(':', key.indexOf(':') + 1) + 1)}.delta` };
  }

  private syntheticDelta(key: string, text: string): Obj {
    const [a, b, rest] = key.split(':');
    const idx = Number(a);
    if (this.kind === 'responses') {
      return {
        type: `${key.slice(key.indexOf(':', key.indexOf(':') + 1) + 1)}.delta`,
        output_index: idx,
        content_index: Number(b),
        delta: text,
      };
    }
    if (this.kind === 'completions') return { ...this.envelope, choices: [{ index: idx, text, finish_reason: null }] };
    const delta =
      b === 'tool'
        ? { tool_calls: [{ index: Number(rest), function: { arguments: text } }] }
        : { [b ?? 'content']: text };
    return { ...this.envelope, choices: [{ index: idx, delta, finish_reason: null }] };
  }
}

/**
 * The SSE event that ends a stream the gateway had to cut. Both OpenAI SDKs raise an APIError on it:
 * an unnamed event whose data has `error` (chat, completions), or an `error` event (responses).
 */
export function streamErrorEvent(kind: RouteKind, code: GatewayErrorCode, message: string): string {
  const body = errorBody(code, message);
  if (kind === 'responses') {
    return formatSse({
      event: 'error',
      data: JSON.stringify({ type: 'error', code: body.error.code, message, param: null, error: body.error }),
    });
  }
  return formatSse({ data: JSON.stringify(body) });
}

export function blockedStreamEvent(kind: RouteKind, message: string): string {
  return streamErrorEvent(kind, 'output_blocked', message);
}
