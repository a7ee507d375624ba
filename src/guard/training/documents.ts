import type { Rng, Sample } from './rng.js';
import { plantableAttack } from './synth-attacks.js';
import { benignFiller } from './synth-benign.js';

/** A context document (BIPIA: e-mail, table, code) with an optional user question. */
export interface ContextDoc {
  readonly task: string;
  readonly context: string;
  readonly question?: string;
}

/** A sample whose attack occupies a known range, so only windows covering it are labelled positive. */
export interface PlantedSample extends Sample {
  readonly attack?: readonly [number, number];
}

/** Nearest sentence/line boundary to `at`, so planted text does not split a word. */
function boundaryNear(text: string, at: number): number {
  for (let d = 0; d < 200; d++) {
    for (const p of [at + d, at - d]) {
      if (p <= 0) return 0;
      if (p >= text.length) return text.length;
      const c = text[p - 1];
      if (c === '\n' || c === '.' || c === '|') return p;
    }
  }
  return at;
}

function render(doc: ContextDoc, body: string, rng: Rng): { text: string; offset: number } {
  if (doc.question && rng.chance(0.5)) {
    const head = `${doc.question}\n\n`;
    return { text: head + body, offset: head.length };
  }
  return { text: body, offset: 0 };
}

/**
 * Indirect injection (OWASP LLM01 indirect, BIPIA): an attack planted at the start, middle or end of a
 * clean document. `attacks` are attack instructions (BIPIA's, or synthetic when empty).
 */
export function plantAttack(
  rng: Rng,
  doc: ContextDoc,
  attacks: readonly string[],
  framePrefixes: readonly string[],
): PlantedSample {
  const raw = attacks.length > 0 && rng.chance(0.6) ? rng.pick(attacks) : plantableAttack(rng);
  const attack = `${rng.pick(framePrefixes)}${raw}`;
  const where = rng.pick(['start', 'middle', 'end', 'middle']);
  const ctx = doc.context;
  const at = where === 'start' ? 0 : where === 'end' ? ctx.length : boundaryNear(ctx, Math.floor(ctx.length / 2));
  const body = `${ctx.slice(0, at)}${at > 0 ? ' ' : ''}${attack} ${ctx.slice(at)}`;
  const { text, offset } = render(doc, body, rng);
  const s = offset + at + (at > 0 ? 1 : 0);
  return {
    text,
    label: 1,
    source: 'bipia-planted',
    family: `indirect-${doc.task}-${where}`,
    attack: [s, s + attack.length],
  };
}

export function cleanDocument(rng: Rng, doc: ContextDoc): PlantedSample {
  const body = rng.chance(0.2) ? `${doc.context} ${benignFiller(rng)}` : doc.context;
  const { text } = render(doc, body, rng);
  return { text, label: 0, source: 'bipia-clean', family: `document-${doc.task}` };
}

/** Pads a short sample into a long document so the windowed scan is trained on realistic neighbours. */
export function embedInLongDocument(
  rng: Rng,
  docs: readonly ContextDoc[],
  inner: Sample,
  targetChars: number,
): PlantedSample {
  let before = '';
  let after = '';
  while (before.length + after.length < targetChars) {
    const d = rng.pick(docs).context;
    if (rng.chance(0.5)) before += `${d}\n\n`;
    else after += `\n\n${d}`;
  }
  const text = `${before}${inner.text}${after}`;
  return {
    text,
    label: inner.label,
    source: `${inner.source}-long`,
    family: `${inner.family}-long`,
    ...(inner.label === 1 ? { attack: [before.length, before.length + inner.text.length] as const } : {}),
  };
}
