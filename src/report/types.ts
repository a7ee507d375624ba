import type { Rule } from '../core/rule.js';
import type { SuppressedFinding } from '../core/suppressed.js';
import type { ScanReport } from '../core/target.js';

/** Everything a reporter needs; reporters are pure functions of this and their options. */
export interface ReportInput {
  readonly report: ScanReport;
  readonly tool: { readonly name: string; readonly version: string };
  /** The rule catalogue; reporters describe the rules that appear in the findings. */
  readonly rules: readonly Rule[];
  /** The command line that produced the report, as the user typed it. */
  readonly command?: string;
  /**
   * Findings a policy set aside. Not part of `report.findings` and not counted in summaries;
   * SARIF and JSON list them with the policy's reason, the other formats leave them out.
   */
  readonly suppressed?: readonly SuppressedFinding[];
}

/** Options every reporter accepts; each reads the ones it needs and ignores the rest. */
export interface ReportOptions {
  /** ANSI colour in the text report (the CLI passes isTTY && !NO_COLOR). */
  readonly color?: boolean;
  /** Directory that SARIF artifact URIs are made relative to (the CLI's cwd). */
  readonly baseDir?: string;
  /** Markdown: how many findings the "top findings" table shows. */
  readonly maxTop?: number;
  /** Markdown: how many findings the collapsible details list before truncating. */
  readonly maxDetails?: number;
}

export type Reporter = (input: ReportInput, opts?: ReportOptions) => string;
