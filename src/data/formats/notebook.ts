import type { ByteSource } from '../../core/byte-source.js';
import { scanCandidates } from '../detect/engine.js';
import { maskFor } from '../detect/index.js';
import type { FormatContext, FormatResult } from './context.js';
import { lineIn, readDocument, redactCandidates } from './document.js';
import { OccurrenceCollector } from './occurrences.js';
import { scanText } from './text.js';

type Json = Record<string, unknown>;

/** Output MIME types that carry text worth scanning; images and widget state are skipped. */
const TEXT_MIME = /^(?:text\/|application\/(?:json|javascript|x-latex|xml|vnd\.dataresource\+json))/;

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('');
  return undefined;
}

/** Same shape as the input: a list of lines stays a list of lines. */
function likeInput(original: unknown, text: string): unknown {
  return Array.isArray(original) ? text.split(/(?<=\n)/) : text;
}

/**
 * Jupyter notebooks (nbformat 4): sources and outputs are scanned separately and reported as
 * `cell[3]/source` or `cell[3]/outputs[0]`, with the line inside the cell. Embedded images,
 * widget state and attachments are skipped. Redaction rewrites the JSON with nbformat's
 * one-space indent, so the notebook stays valid.
 */
export async function scanNotebook(src: ByteSource, ctx: FormatContext): Promise<FormatResult> {
  const raw = await readDocument(src, ctx);
  let nb: Json;
  try {
    if (raw === undefined) throw new Error('too large');
    const v: unknown = JSON.parse(raw);
    if (!v || typeof v !== 'object' || !Array.isArray((v as Json).cells)) throw new Error('no cells');
    nb = v as Json;
  } catch {
    return scanText(src, ctx);
  }
  const out = new OccurrenceCollector(ctx.limits.maxFindingsPerDetector);
  let detections = 0;
  let changed = false;

  // Scans one text field; returns the masked replacement when it had hits.
  const field = (value: unknown, member: string): unknown => {
    const text = asText(value);
    if (text === undefined || text.length === 0) return value;
    const cands = scanCandidates(text, ctx.set).filter((c) => c.score >= ctx.minScore);
    if (cands.length === 0) return value;
    for (const c of cands) {
      detections++;
      out.add(c.detector, text.slice(c.start, c.end), c.score, { path: ctx.path, member, line: lineIn(text, c) });
    }
    changed = true;
    return likeInput(value, redactCandidates(text, cands));
  };

  const cells = nb.cells as unknown[];
  cells.forEach((cell, i) => {
    if (!cell || typeof cell !== 'object') return;
    const c = cell as Json;
    c.source = field(c.source, `cell[${i}]/source`);
    if (!Array.isArray(c.outputs)) return;
    c.outputs.forEach((o: unknown, j: number) => {
      if (!o || typeof o !== 'object') return;
      const output = o as Json;
      const member = `cell[${i}]/outputs[${j}]`;
      if (output.output_type === 'stream') output.text = field(output.text, member);
      else if (output.output_type === 'error') {
        output.evalue = field(output.evalue, member);
        if (Array.isArray(output.traceback)) output.traceback = output.traceback.map((t) => field(t, member));
      } else if (output.data && typeof output.data === 'object') {
        const data = output.data as Json;
        for (const mime of Object.keys(data)) {
          if (!TEXT_MIME.test(mime)) continue;
          const v = data[mime];
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
            const json = JSON.stringify(v);
            const masked = field(json, member);
            if (masked !== json) data[mime] = parseOr(masked as string, maskFor('json-output'));
          } else data[mime] = field(v, member);
        }
      }
    });
  });
  if (ctx.sink) await ctx.sink.write(changed ? `${JSON.stringify(nb, null, 1)}\n` : (raw ?? ''));
  return {
    findings: out.finish(ctx.path),
    stats: { bytes: src.size, records: cells.length, detections },
    redacted: ctx.sink !== undefined,
  };
}
