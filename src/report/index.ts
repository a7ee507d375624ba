import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import type { Reporter, ReportInput, ReportOptions } from './types.js';

export { renderHtml } from './html.js';
export { JSON_SCHEMA_VERSION, toJsonReport } from './json.js';
export { REPO_URL, ruleHelpUri } from './links.js';
export { renderMarkdown } from './markdown.js';
export { renderSarif, toSarif } from './sarif.js';
export { type ReportSummary, summarize } from './summary.js';
export { renderText } from './text.js';
export type { Reporter, ReportInput, ReportOptions } from './types.js';
export { renderJson };

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Reporters as a plain table: adding a format is one entry here. */
const REPORTERS: Record<ReportFormat, Reporter> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  markdown: renderMarkdown,
  html: renderHtml,
};

export function renderReport(format: ReportFormat, input: ReportInput, opts: ReportOptions = {}): string {
  return REPORTERS[format](input, opts);
}
