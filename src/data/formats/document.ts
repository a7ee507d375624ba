import type { ByteSource } from '../../core/byte-source.js';
import type { Candidate } from '../detect/engine.js';
import { redact } from '../detect/index.js';
import { countLines } from '../stream/blocks.js';
import type { FormatContext, FormatResult } from './context.js';
import { scanJsonValue } from './json-walk.js';
import { OccurrenceCollector } from './occurrences.js';
import { scanText } from './text.js';

/** Reads a whole document when it is within the cap; larger ones are streamed as text instead. */
export async function readDocument(src: ByteSource, ctx: FormatContext): Promise<string | undefined> {
  if (src.size > ctx.limits.maxDocumentBytes) return undefined;
  const bytes = await src.read(0, src.size);
  const text = new TextDecoder('utf-8').decode(bytes);
  return text;
}

function indentOf(text: string): number {
  const m = /\n( +)["{[\]}]/.exec(text.slice(0, 4096));
  return m ? Math.min(8, m[1]!.length) : 0;
}

/**
 * A JSON document (config, model card metadata, dataset JSON): every string is scanned with its
 * key as context, findings carry the key path as member. Too large or not JSON: scanned as text.
 */
export async function scanJsonDocument(src: ByteSource, ctx: FormatContext): Promise<FormatResult> {
  const text = await readDocument(src, ctx);
  let parsed: unknown;
  try {
    if (text === undefined) throw new Error('too large');
    parsed = JSON.parse(text);
  } catch {
    return scanText(src, ctx);
  }
  const out = new OccurrenceCollector(ctx.limits.maxFindingsPerDetector);
  const { hits, value } = scanJsonValue(parsed, ctx.set, ctx.minScore, ctx.sink !== undefined);
  let detections = 0;
  for (const h of hits) {
    for (const c of h.candidates) {
      detections++;
      out.add(c.detector, h.value.slice(c.start, c.end), c.score, { path: ctx.path, member: h.path });
    }
  }
  if (ctx.sink) {
    const indent = indentOf(text ?? '');
    await ctx.sink.write(
      hits.length > 0 ? `${JSON.stringify(value, null, indent)}${text?.endsWith('\n') ? '\n' : ''}` : (text ?? ''),
    );
  }
  return {
    findings: out.finish(ctx.path),
    stats: { bytes: src.size, records: 1, detections },
    redacted: ctx.sink !== undefined,
  };
}

/** Line (1-based) of a candidate inside a multi-line string. */
export function lineIn(text: string, c: Candidate): number {
  return 1 + countLines(text, 0, c.start);
}

export function redactCandidates(text: string, cands: readonly Candidate[]): string {
  return redact(
    text,
    cands.map((c) => ({ start: c.start, end: c.end, detectorId: c.detector.id })),
  );
}
