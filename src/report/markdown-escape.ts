import { safeText } from './format.js';

// Characters with inline meaning in CommonMark/GFM (emphasis, code, links, HTML, entities,
// strikethrough) plus `|` for tables. Block markers (`#`, `-`, `1.`) only count at the start of a
// line and mdText output never starts one. A backslash before ASCII punctuation renders as the
// character itself.
const MD_SPECIAL = /[\\`*_[\]<>|~&]/g;

/**
 * Untrusted text as inert Markdown: no HTML, links, images or emphasis, and `@` followed by a
 * zero-width space so a file name cannot mention (notify) people in a PR comment.
 */
export function mdText(text: string): string {
  return safeText(text)
    .replace(MD_SPECIAL, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/**
 * Untrusted text in a code span: literal, no mentions or HTML. The fence is longer than any run
 * of backticks inside. In a table cell `|` still splits the row, so it is escaped there (GFM
 * removes that backslash inside code spans in tables).
 */
export function mdCode(text: string, inTable = false): string {
  let body = safeText(text);
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || body.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
