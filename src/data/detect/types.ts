export type DetectionKind = 'secret' | 'pii';

/** A range a detector found in one chunk of text, before context scoring and thresholding. */
export interface RawMatch {
  readonly start: number;
  readonly end: number;
  /** Score after the detector's own validator (checksum, structure, entropy), 0..1. */
  readonly score: number;
}

/**
 * A detector is a pure function over a chunk of text. `anchors` are literal strings of which at
 * least one must occur for the detector to have anything to find; the engine looks for all
 * anchors of all detectors in one pass and hands each detector the positions of its own, so a
 * chunk without `AKIA` costs the AWS detector nothing.
 */
export interface Detector {
  readonly id: string;
  readonly kind: DetectionKind;
  readonly label: string;
  /** Literal anchors (case-sensitive). Empty means the detector is fed by a shared candidate pass. */
  readonly anchors: readonly string[];
  /** Every regular expression this detector runs on untrusted text (the ReDoS test walks these). */
  readonly patterns: readonly RegExp[];
  /** Words that, shortly before a match, make it more likely to be real (lower case). */
  readonly context?: readonly string[];
  /** Words that, shortly before a match, make it documentation or a placeholder (lower case). */
  readonly negativeContext?: readonly string[];
  /**
   * For detectors fed by the shared numeric pass (no anchors): the range of digit counts a
   * candidate may have, so a date or an amount never reaches the card or IBAN validator.
   */
  readonly digits?: readonly [number, number];
  /**
   * Finds matches near the given anchor positions (sorted, absolute in `text`).
   * Must be linear in the window it examines and must not throw.
   */
  find(text: string, anchorHits: readonly number[]): RawMatch[];
}

/** Longest match a detector may return; the stream overlap is at least this. */
export const MAX_MATCH_LENGTH = 8192;
