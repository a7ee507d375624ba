import type { Finding } from '../core/finding.js';
import type { Rule } from '../core/rule.js';

// Control characters, line/paragraph separators and bidi overrides ("Trojan Source"). Paths,
// member names and messages come from hostile files; printed raw they could rewrite the terminal
// or reorder what a reviewer reads.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Makes untrusted text safe to print on one line: unsafe characters become `\xNN` / `\u{NNNN}`. */
export function safeText(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${n} B`;
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${UNITS[i]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `offset 0x2a (42)` / `line 7`, or '' when the finding has no position. */
export function formatPosition(f: Pick<Finding, 'offset' | 'line'>): string {
  const parts: string[] = [];
  if (f.line !== undefined) parts.push(`line ${f.line}`);
  if (f.offset !== undefined) parts.push(`offset 0x${f.offset.toString(16)} (${f.offset})`);
  return parts.join(', ');
}

/** `path!member` as the `!`-joined location users paste into other tools. */
export function formatLocation(f: Pick<Finding, 'path' | 'member'>): string {
  return f.member === undefined ? f.path : `${f.path}!${f.member}`;
}

export function ruleIndex(rules: readonly Rule[]): Map<string, Rule> {
  const map = new Map<string, Rule>();
  for (const r of rules) if (!map.has(r.id)) map.set(r.id, r);
  return map;
}
