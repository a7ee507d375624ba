import { compareFindings, type Finding, type Reference } from '../core/finding.js';
import type { Rule } from '../core/rule.js';
import { SECURITY_SEVERITY, type Severity } from '../core/severity.js';
import type { SuppressedFinding } from '../core/suppressed.js';
import { FINGERPRINT_KEY, fingerprints } from './fingerprint.js';
import { ruleIndex } from './format.js';
import { REPO_URL, ruleHelpUri } from './links.js';
import { artifactLocation, directoryUri, SRCROOT } from './sarif-uri.js';
import { sortTargets } from './summary.js';
import type { ReportInput, ReportOptions } from './types.js';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

type Level = 'error' | 'warning' | 'note';
type Json = Record<string, unknown>;

const LEVEL: Record<Severity, Level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** SARIF logical-location kind for a path inside an archive (zip/tar call these "members"). */
export const MEMBER_KIND = 'member';

/**
 * SARIF 2.1.0 with one run, shaped for GitHub code scanning: rules carry `security-severity` and
 * tags, results carry stable `partialFingerprints`, archive members are logical locations.
 */
export function renderSarif(input: ReportInput, opts: ReportOptions = {}): string {
  return `${JSON.stringify(toSarif(input, opts), null, 2)}\n`;
}

export function toSarif(input: ReportInput, opts: ReportOptions = {}): Json {
  const { report } = input;
  const entries = resultEntries(report.findings, input.suppressed ?? []);
  const findings = entries.map((e) => e.finding);
  const known = ruleIndex(input.rules);
  const ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort();
  const indexOf = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const rule = known.get(id);
    return rule ? ruleDescriptor(rule) : unknownRuleDescriptor(id, findings);
  });

  // Fingerprinted together, so a suppressed finding keeps the `:n` it had before it was suppressed
  // and suppressing one of two equal findings does not renumber the other.
  const uriOf = (f: Finding) => artifactLocation(f.path, opts.baseDir).uri;
  const prints = fingerprints(findings, uriOf);
  const results = entries.map((e, i) => ({
    ...result(e.finding, indexOf.get(e.finding.ruleId) ?? 0, prints[i] ?? '', opts.baseDir),
    ...(e.suppressed ? { suppressions: [suppression(e.suppressed)] } : {}),
  }));

  const end = new Date(Date.parse(report.startedAt) + report.durationMs);
  const troubled = sortTargets(report.targets.filter((t) => t.status === 'error' || t.status === 'partial'));
  const invocation: Json = {
    executionSuccessful: true,
    ...(input.command === undefined ? {} : { commandLine: input.command }),
    ...(Number.isNaN(end.getTime()) ? {} : { startTimeUtc: report.startedAt, endTimeUtc: end.toISOString() }),
    toolExecutionNotifications: troubled.map((t) => ({
      level: t.status === 'error' ? 'error' : 'warning',
      message: { text: `${t.status}: ${t.error ? `${t.error.code}: ${t.error.message}` : 'not fully scanned'}` },
      locations: [location(t.path, t.member, undefined, undefined, opts.baseDir)],
      ...(t.error ? { descriptor: { id: t.error.code } } : {}),
    })),
  };

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: input.tool.name,
            version: input.tool.version,
            semanticVersion: input.tool.version,
            informationUri: REPO_URL,
            rules,
          },
        },
        ...(opts.baseDir === undefined
          ? {}
          : { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(opts.baseDir) } } }),
        invocations: [invocation],
        results,
      },
    ],
  };
}

interface Entry {
  readonly finding: Finding;
  readonly suppressed?: SuppressedFinding;
}

/** Active and suppressed findings in one report order; an active finding before an equal suppressed one. */
function resultEntries(active: readonly Finding[], suppressed: readonly SuppressedFinding[]): Entry[] {
  const entries: Entry[] = [
    ...active.map((finding) => ({ finding })),
    ...suppressed.map((s) => ({ finding: s.finding, suppressed: s })),
  ];
  return entries.sort(
    (a, b) =>
      compareFindings(a.finding, b.finding) || Number(a.suppressed !== undefined) - Number(b.suppressed !== undefined),
  );
}

/**
 * Policy suppressions live in warden.yaml, outside the scanned file: `external`, and `accepted`
 * because the policy file is the reviewed decision. Viewers such as GitHub code scanning then show
 * the result as dismissed instead of as an open alert.
 */
function suppression(s: SuppressedFinding): Json {
  return {
    kind: 'external',
    status: 'accepted',
    justification: `${s.reason} (${s.expires === 'never' ? 'standing policy' : `expires ${s.expires}`})`,
    properties: { expires: s.expires },
  };
}

function result(f: Finding, ruleIndex: number, fingerprint: string, baseDir: string | undefined): Json {
  let text = f.message;
  if (f.member !== undefined) text += ` (in archive member ${f.member})`;
  if (f.evidence !== undefined) text += `${/[.!?]$/.test(text) ? '' : '.'} Evidence: ${f.evidence}`;
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text },
    locations: [location(f.path, f.member, f.offset, f.line, baseDir)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties: {
      'security-severity': SECURITY_SEVERITY[f.severity],
      severity: f.severity,
      ...(f.member !== undefined && f.offset !== undefined ? { memberOffset: f.offset } : {}),
      ...(f.member !== undefined && f.line !== undefined ? { memberLine: f.line } : {}),
      ...(f.evidence === undefined ? {} : { evidence: f.evidence }),
      ...(f.scanner === undefined ? {} : { scanner: f.scanner }),
    },
  };
}

/**
 * A finding's offset and line are relative to the innermost member, not to the file on disk, so
 * the physical region is only given for findings in the file itself; member positions go to
 * `properties.memberOffset` / `memberLine`.
 */
function location(
  path: string,
  member: string | undefined,
  offset: number | undefined,
  line: number | undefined,
  baseDir: string | undefined,
): Json {
  const region: Json = {};
  if (member === undefined) {
    if (offset !== undefined) region.byteOffset = offset;
    if (line !== undefined) region.startLine = line;
  }
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(path, baseDir),
      ...(Object.keys(region).length > 0 ? { region } : {}),
    },
    ...(member === undefined ? {} : { logicalLocations: [{ fullyQualifiedName: member, kind: MEMBER_KIND }] }),
  };
}

function ruleDescriptor(r: Rule): Json {
  return {
    id: r.id,
    name: pascalName(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: { text: helpText(r), markdown: helpMarkdown(r) },
    helpUri: ruleHelpUri(r.id),
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: ruleTags(r.id, r.references),
      'security-severity': SECURITY_SEVERITY[r.severity],
      severity: r.severity,
    },
  };
}

/** A finding whose rule is missing from the catalogue is still reported, never dropped. */
function unknownRuleDescriptor(id: string, findings: readonly Finding[]): Json {
  const first = findings.find((f) => f.ruleId === id);
  const severity: Severity = first?.severity ?? 'medium';
  return {
    id,
    name: pascalName(id),
    shortDescription: { text: id },
    helpUri: ruleHelpUri(id),
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      tags: ruleTags(id, first?.references ?? []),
      'security-severity': SECURITY_SEVERITY[severity],
      severity,
    },
  };
}

/** `security` (GitHub's filter), the rule's area, and each framework id it maps to. */
export function ruleTags(id: string, references: readonly Reference[]): string[] {
  const tags = ['security'];
  const area = id.split('/')[0];
  if (area) tags.push(area);
  for (const r of references) {
    if (r.type === 'cwe') tags.push(`external/cwe/${r.id.toLowerCase()}`);
    else if (r.type === 'atlas' || r.type === 'owasp-ml' || r.type === 'owasp-llm') tags.push(r.id);
  }
  return [...new Set(tags)];
}

function helpText(r: Rule): string {
  const refs = r.references.map((x) => `- ${x.id}${x.url ? ` ${x.url}` : ''}`);
  return [
    r.description,
    `Remediation: ${r.remediation}`,
    ...(refs.length ? [`References:\n${refs.join('\n')}`] : []),
  ].join('\n\n');
}

function helpMarkdown(r: Rule): string {
  const refs = r.references.map((x) => `- ${x.url ? `[${x.id}](${x.url})` : x.id}`);
  return [
    r.description,
    `**Remediation:** ${r.remediation}`,
    ...(refs.length ? [`**References:**\n\n${refs.join('\n')}`] : []),
    `[Rule documentation](${ruleHelpUri(r.id)})`,
  ].join('\n\n');
}

function pascalName(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
