import { StringDecoder } from 'node:string_decoder';

/** One server-sent event. Only the fields OpenAI streams use; comments and `retry` are dropped. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
  readonly id?: string;
}

export class SseTooLargeError extends Error {
  override readonly name = 'SseTooLargeError';
}

/**
 * Incremental SSE parser (WHATWG event-stream rules: LF, CRLF or CR line ends; `data` lines joined by
 * LF; a blank line ends an event). Written by hand because it sits on the hot path of every stream and
 * must bound memory on hostile upstreams: an event larger than `maxEventChars` is an error, never an
 * ever-growing buffer.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private buf = '';
  /** Characters of `buf` already known to hold no line end: a long line split over many chunks is scanned once. */
  private scanned = 0;
  private data: string[] = [];
  private dataChars = 0;
  private event: string | undefined;
  private id: string | undefined;

  constructor(private readonly maxEventChars = 4 * 1024 * 1024) {}

  push(chunk: Buffer | string): SseEvent[] {
    this.buf += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    return this.drain(false);
  }

  /** Upstream ended: a final event without its blank line still counts (as browsers do not, but SDKs do). */
  end(): SseEvent[] {
    this.buf += this.decoder.end();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    let pos = 0;
    const buf = this.buf;
    for (;;) {
      let nl = -1;
      for (let i = Math.max(pos, this.scanned); i < buf.length; i++) {
        const c = buf.charCodeAt(i);
        if (c === 10 || c === 13) {
          nl = i;
          break;
        }
      }
      if (nl < 0) {
        this.scanned = buf.length;
        break;
      }
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (buf.charCodeAt(nl) === 13 && nl + 1 === buf.length && !final) {
        this.scanned = nl;
        break;
      }
      const line = buf.slice(pos, nl);
      pos = nl + (buf.charCodeAt(nl) === 13 && buf.charCodeAt(nl + 1) === 10 ? 2 : 1);
      this.line(line, out);
    }
    this.buf = buf.slice(pos);
    this.scanned = Math.max(0, this.scanned - pos);
    if (this.buf.length + this.dataChars > this.maxEventChars) {
      throw new SseTooLargeError(`an SSE event is larger than ${this.maxEventChars} characters`);
    }
    if (final) {
      if (this.buf.length > 0) this.line(this.buf, out);
      this.buf = '';
      this.line('', out);
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      if (this.data.length > 0 || this.event !== undefined) {
        out.push({
          data: this.data.join('\n'),
          ...(this.event !== undefined ? { event: this.event } : {}),
          ...(this.id !== undefined ? { id: this.id } : {}),
        });
      }
      this.data = [];
      this.dataChars = 0;
      this.event = undefined;
      this.id = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment (keep-alive pings)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.dataChars += value.length + 1;
    } else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}

/** Serialises one event; multi-line data becomes several `data:` lines, as the format requires. */
export function formatSse(e: SseEvent): string {
  let s = '';
  if (e.event !== undefined) s += `event: ${e.event}\n`;
  if (e.id !== undefined) s += `id: ${e.id}\n`;
  s += e.data.includes('\n') ? `data: ${e.data.split('\n').join('\ndata: ')}\n\n` : `data: ${e.data}\n\n`;
  return s;
}
