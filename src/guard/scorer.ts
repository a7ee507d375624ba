import {
  classifierLogit,
  combine,
  combinerInputs,
  type Featurizer,
  obfuscationLevel,
  type TextAnalysis,
  type WindowSignal,
} from './detector.js';
import type { LoadedModel } from './model/format.js';
import type { DecodedSegment } from './normalize/decode.js';

/** One scored part of an input: a window of the text, or a decoded segment. */
export interface ScoredPart {
  readonly score: number;
  readonly inputs: Float32Array;
  readonly window: WindowSignal;
  readonly analysis: TextAnalysis;
  /** Set when the part is decoded content; spans then point at the encoded range in the original. */
  readonly decoded?: DecodedSegment;
}

const MAX_DECODE_DEPTH = 2;

/**
 * Scores every window of `text` and of any decoded segment inside it. The caller takes the maximum:
 * an attack anywhere (in a window, or hidden in base64) is an attack in the whole input.
 */
export function scoreParts(model: LoadedModel, featurizer: Featurizer, text: string): ScoredPart[] {
  const parts: ScoredPart[] = [];
  const visit = (body: string, depth: number, outer: DecodedSegment | undefined): void => {
    const analysis = featurizer.analyze(body);
    const obf = obfuscationLevel(analysis.norm);
    for (const window of analysis.windows) {
      const z = classifierLogit(model, model.file.classifier.bias, window);
      const inputs = combinerInputs(z, window.hits, obf, outer !== undefined);
      parts.push({ score: combine(model, inputs), inputs, window, analysis, ...(outer ? { decoded: outer } : {}) });
    }
    if (depth >= MAX_DECODE_DEPTH) return;
    for (const seg of featurizer.decode(body)) {
      // Nested segments keep the outermost encoded range: that is what the caller can point at.
      visit(seg.text, depth + 1, outer ?? seg);
    }
  };
  visit(text, 0, undefined);
  return parts;
}
