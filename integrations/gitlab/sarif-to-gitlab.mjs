#!/usr/bin/env node
// Converts Warden's SARIF 2.1.0 report into a GitLab SAST report (security report schema v15),
// so findings appear in merge requests and the vulnerability report. No dependencies.
// Usage: node sarif-to-gitlab.mjs warden.sarif gl-sast-report.json
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const GITLAB_SCHEMA_VERSION = '15.0.7';

const SEVERITY = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const LEVEL = { error: 'High', warning: 'Medium', note: 'Low', none: 'Info' };

// GitLab wants YYYY-MM-DDTHH:MM:SS, no fraction and no zone.
const gitlabTime = (iso) => (iso ? new Date(iso) : new Date()).toISOString().slice(0, 19);

/** A stable UUID-shaped id per finding, so GitLab tracks the same finding across pipelines. */
function idOf(parts) {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function identifiersOf(ruleId, rule) {
  const ids = [
    { type: 'warden_rule', name: `Warden ${ruleId}`, value: ruleId, ...(rule?.helpUri ? { url: rule.helpUri } : {}) },
  ];
  for (const tag of rule?.properties?.tags ?? []) {
    const cwe = /^external\/cwe\/cwe-(\d+)$/.exec(tag);
    if (cwe) {
      ids.push({
        type: 'cwe',
        name: `CWE-${cwe[1]}`,
        value: cwe[1],
        url: `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`,
      });
    }
  }
  return ids;
}

function solutionOf(rule) {
  const m = /Remediation: ([^\n]+)/.exec(rule?.help?.text ?? '');
  return m ? m[1] : undefined;
}

export function sarifToGitlab(sarif) {
  const run = sarif.runs?.[0] ?? {};
  const driver = run.tool?.driver ?? {};
  const rules = new Map((driver.rules ?? []).map((r) => [r.id, r]));
  const tool = { id: 'warden', name: 'Warden', version: driver.version ?? '0.0.0', vendor: { name: 'Warden' } };
  const invocation = run.invocations?.[0] ?? {};
  // Results the policy suppressed (SARIF `suppressions`, accepted) stay in the SARIF as an audit
  // trail; they are not open vulnerabilities.
  const active = (run.results ?? []).filter((r) => !(r.suppressions ?? []).some((x) => x.status !== 'rejected'));
  const vulnerabilities = active.map((r) => {
    const rule = rules.get(r.ruleId);
    const loc = r.locations?.[0]?.physicalLocation;
    const file = decodeURIComponent(loc?.artifactLocation?.uri ?? 'unknown');
    const line = loc?.region?.startLine;
    const severity =
      SEVERITY[r.properties?.severity] ??
      SEVERITY[rule?.properties?.severity] ??
      LEVEL[r.level ?? 'warning'] ??
      'Unknown';
    const fingerprint = Object.values(r.partialFingerprints ?? {})[0] ?? r.message?.text ?? '';
    const solution = solutionOf(rule);
    return {
      id: idOf([r.ruleId, file, fingerprint]),
      category: 'sast',
      name: rule?.shortDescription?.text ?? r.ruleId,
      description: r.message?.text ?? '',
      severity,
      ...(solution ? { solution } : {}),
      scanner: { id: tool.id, name: tool.name },
      location: { file, ...(line ? { start_line: line } : {}) },
      identifiers: identifiersOf(r.ruleId, rule),
    };
  });
  return {
    version: GITLAB_SCHEMA_VERSION,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'sast',
      start_time: gitlabTime(invocation.startTimeUtc),
      end_time: gitlabTime(invocation.endTimeUtc),
      status: invocation.executionSuccessful === false ? 'failure' : 'success',
    },
    vulnerabilities,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: sarif-to-gitlab.mjs warden.sarif gl-sast-report.json');
    process.exit(2);
  }
  const report = sarifToGitlab(JSON.parse(readFileSync(input, 'utf8')));
  writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`${output}: ${report.vulnerabilities.length} finding(s)`);
}
