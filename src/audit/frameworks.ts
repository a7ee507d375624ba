/**
 * Framework mapping: every rule → MITRE ATLAS techniques, OWASP Machine Learning Security Top 10
 * (2023), OWASP Top 10 for LLM Applications (2025) and CWE. A rule's own references come first;
 * the tables below fill what a rule leaves out, per rule or per area, so a new rule in a known area
 * is mapped without an edit and a rule in a new area fails the mapping test until someone maps it.
 */
import type { Finding } from '../core/finding.js';
import type { Rule } from '../core/rule.js';
import { maxSeverity, type Severity } from '../core/severity.js';

export type FrameworkId = 'atlas' | 'owasp-ml' | 'owasp-llm' | 'cwe';

export interface FrameworkMapping {
  readonly atlas: readonly string[];
  readonly owaspMl: readonly string[];
  readonly owaspLlm: readonly string[];
  readonly cwe: readonly string[];
}

/** MITRE ATLAS techniques Warden rules map to (ATLAS names; ids are stable across renames). */
export const ATLAS_TECHNIQUES: Readonly<Record<string, string>> = {
  'AML.T0010': 'AI Supply Chain Compromise',
  'AML.T0010.001': 'AI Supply Chain Compromise: AI Software',
  'AML.T0010.002': 'AI Supply Chain Compromise: Data',
  'AML.T0010.003': 'AI Supply Chain Compromise: Model',
  'AML.T0011': 'User Execution',
  'AML.T0011.000': 'User Execution: Unsafe AI Artifacts',
  'AML.T0018': 'Manipulate AI Model (backdoor)',
  'AML.T0020': 'Poison Training Data',
  'AML.T0025': 'Exfiltration via Cyber Means',
  'AML.T0029': 'Denial of AI Service',
  'AML.T0050': 'Command and Scripting Interpreter',
  'AML.T0051': 'LLM Prompt Injection',
  'AML.T0051.000': 'LLM Prompt Injection: Direct',
  'AML.T0051.001': 'LLM Prompt Injection: Indirect',
  'AML.T0053': 'LLM Plugin Compromise',
  'AML.T0054': 'LLM Jailbreak',
  'AML.T0055': 'Unsecured Credentials',
  'AML.T0056': 'Extract LLM System Prompt',
  'AML.T0057': 'LLM Data Leakage',
};

export const OWASP_ML_2023: Readonly<Record<string, string>> = {
  'ML01:2023': 'Input Manipulation Attack',
  'ML02:2023': 'Data Poisoning Attack',
  'ML03:2023': 'Model Inversion Attack',
  'ML04:2023': 'Membership Inference Attack',
  'ML05:2023': 'Model Theft',
  'ML06:2023': 'AI Supply Chain Attacks',
  'ML07:2023': 'Transfer Learning Attack',
  'ML08:2023': 'Model Skewing',
  'ML09:2023': 'Output Integrity Attack',
  'ML10:2023': 'Model Poisoning',
};

export const OWASP_LLM_2025: Readonly<Record<string, string>> = {
  'LLM01:2025': 'Prompt Injection',
  'LLM02:2025': 'Sensitive Information Disclosure',
  'LLM03:2025': 'Supply Chain',
  'LLM04:2025': 'Data and Model Poisoning',
  'LLM05:2025': 'Improper Output Handling',
  'LLM06:2025': 'Excessive Agency',
  'LLM07:2025': 'System Prompt Leakage',
  'LLM08:2025': 'Vector and Embedding Weaknesses',
  'LLM09:2025': 'Misinformation',
  'LLM10:2025': 'Unbounded Consumption',
};

type Partial4 = Partial<Record<keyof FrameworkMapping, readonly string[]>>;

// A tampered or malformed model artefact is a model supply-chain compromise that executes on load.
const MODEL_ARTEFACT: Partial4 = {
  atlas: ['AML.T0010.003', 'AML.T0011.000'],
  owaspMl: ['ML06:2023'],
  owaspLlm: ['LLM03:2025'],
};

/** Defaults per rule area, used for each framework a rule's own references leave empty. */
export const AREA_MAPPING: Readonly<Record<string, Partial4>> = {
  archive: MODEL_ARTEFACT,
  gguf: MODEL_ARTEFACT,
  hf: MODEL_ARTEFACT,
  keras: MODEL_ARTEFACT,
  mlflow: MODEL_ARTEFACT,
  numpy: MODEL_ARTEFACT,
  onnx: MODEL_ARTEFACT,
  pickle: MODEL_ARTEFACT,
  python: { ...MODEL_ARTEFACT, atlas: ['AML.T0010.001', 'AML.T0011.000'] },
  pytorch: MODEL_ARTEFACT,
  safetensors: MODEL_ARTEFACT,
  scan: MODEL_ARTEFACT,
  template: MODEL_ARTEFACT,
  tf: MODEL_ARTEFACT,
  tflite: MODEL_ARTEFACT,
  zip: MODEL_ARTEFACT,
  // Policy findings are about the controls on model artefacts (formats, signatures, licenses).
  policy: { atlas: ['AML.T0010.003'], owaspMl: ['ML06:2023'], owaspLlm: ['LLM03:2025'] },
  supply: { atlas: ['AML.T0010.001'], owaspMl: ['ML06:2023'], owaspLlm: ['LLM03:2025'] },
  data: { atlas: ['AML.T0057'], owaspMl: ['ML03:2023'], owaspLlm: ['LLM02:2025'] },
  // Prompt attacks on a deployed model are input manipulation in the ML list.
  guard: { atlas: ['AML.T0051'], owaspMl: ['ML01:2023'], owaspLlm: ['LLM01:2025'] },
  code: { atlas: ['AML.T0011.000'], owaspMl: ['ML06:2023'], owaspLlm: ['LLM03:2025'] },
};

/** Per-rule additions where the area default is not the best fit (CWE where one fits). */
export const RULE_MAPPING: Readonly<Record<string, Partial4>> = {
  'archive/link-member': { cwe: ['CWE-59'] },
  'numpy/malformed': { atlas: ['AML.T0010.003'], cwe: ['CWE-20'] },
  'pickle/trailing-data': { cwe: ['CWE-502'] },
  'pickle/limit-exceeded': { owaspMl: ['ML06:2023'] },
  'archive/decompression-bomb': { owaspMl: ['ML06:2023'] },
  'archive/decompression-limit': { owaspMl: ['ML06:2023'] },
  'archive/too-many-members': { owaspMl: ['ML06:2023'] },
  'zip/overlapping-entries': { owaspMl: ['ML06:2023'] },
  'policy/expired-suppression': { owaspLlm: ['LLM03:2025'] },
  'guard/prompt-extraction': { owaspMl: ['ML01:2023'] },
  'guard/secret-leak': { owaspMl: ['ML03:2023'] },
  'guard/pii-leak': { owaspMl: ['ML03:2023'] },
  'guard/canary-leak': { owaspMl: ['ML03:2023'] },
  'guard/system-prompt-leak': { owaspMl: ['ML03:2023'] },
  'guard/exfiltration-link': { owaspMl: ['ML09:2023'] },
  'code/llm-output-eval': { owaspMl: ['ML09:2023'] },
  'code/llm-output-shell': { owaspMl: ['ML09:2023'] },
  'code/llm-output-sql': { owaspMl: ['ML09:2023'] },
};

function areaOfRule(id: string): string {
  return id.split('/')[0] ?? id;
}

const uniq = (xs: Iterable<string>) => [...new Set(xs)];

/** The rule's mapping: its references, then per-rule additions, then the area default for any framework still empty. */
export function mappingOf(rule: Rule): FrameworkMapping {
  const own = (type: string) => rule.references.filter((r) => r.type === type).map((r) => r.id);
  const extra = RULE_MAPPING[rule.id] ?? {};
  const area = AREA_MAPPING[areaOfRule(rule.id)] ?? {};
  const pick = (key: keyof FrameworkMapping, type: string) => {
    const list = uniq([...own(type), ...(extra[key] ?? [])]);
    return list.length > 0 ? list : [...(area[key] ?? [])];
  };
  return {
    atlas: pick('atlas', 'atlas'),
    owaspMl: pick('owaspMl', 'owasp-ml'),
    owaspLlm: pick('owaspLlm', 'owasp-llm'),
    cwe: pick('cwe', 'cwe'),
  };
}

export interface CategoryCoverage {
  readonly id: string;
  readonly name: string;
  /** Catalogue rules that map here: what Warden can detect for this category. */
  readonly rules: number;
  /** Findings in this report that map here. */
  readonly findings: number;
  readonly highest: Severity | null;
}

export interface FrameworkCoverage {
  readonly id: FrameworkId;
  readonly title: string;
  readonly categories: readonly CategoryCoverage[];
  /** Categories with at least one finding. */
  readonly hit: number;
  /** Categories Warden has at least one rule for. */
  readonly covered: number;
}

const FRAMEWORKS: readonly { id: FrameworkId; title: string; key: keyof FrameworkMapping }[] = [
  { id: 'atlas', title: 'MITRE ATLAS', key: 'atlas' },
  { id: 'owasp-ml', title: 'OWASP Machine Learning Security Top 10 (2023)', key: 'owaspMl' },
  { id: 'owasp-llm', title: 'OWASP Top 10 for LLM Applications (2025)', key: 'owaspLlm' },
  { id: 'cwe', title: 'CWE', key: 'cwe' },
];

function namesOf(id: FrameworkId): Readonly<Record<string, string>> {
  if (id === 'atlas') return ATLAS_TECHNIQUES;
  if (id === 'owasp-ml') return OWASP_ML_2023;
  if (id === 'owasp-llm') return OWASP_LLM_2025;
  return {};
}

/**
 * Coverage per framework: for each category, how many rules can detect it and how many findings
 * of this report fall in it. OWASP lists show all ten entries (the gaps matter to an auditor);
 * ATLAS and CWE list the ids Warden maps to.
 */
export function frameworkCoverage(findings: readonly Finding[], rules: readonly Rule[]): FrameworkCoverage[] {
  const byId = new Map(rules.map((r) => [r.id, mappingOf(r)]));
  return FRAMEWORKS.map(({ id, title, key }) => {
    const names = namesOf(id);
    const ruleCount = new Map<string, number>();
    for (const m of byId.values()) for (const c of m[key]) ruleCount.set(c, (ruleCount.get(c) ?? 0) + 1);
    const hits = new Map<string, Severity[]>();
    for (const f of findings) {
      const m = byId.get(f.ruleId);
      const cats = m ? m[key] : f.references.filter((r) => r.type === id).map((r) => r.id);
      for (const c of cats) {
        const list = hits.get(c);
        if (list) list.push(f.severity);
        else hits.set(c, [f.severity]);
      }
    }
    const ids =
      id === 'owasp-ml' || id === 'owasp-llm'
        ? Object.keys(names)
        : uniq([...ruleCount.keys(), ...hits.keys()]).sort(compareIds);
    const categories = ids.map((c) => ({
      id: c,
      name: names[c] ?? (id === 'cwe' ? '' : c),
      rules: ruleCount.get(c) ?? 0,
      findings: hits.get(c)?.length ?? 0,
      highest: maxSeverity(hits.get(c) ?? []) ?? null,
    }));
    return {
      id,
      title,
      categories,
      hit: categories.filter((c) => c.findings > 0).length,
      covered: categories.filter((c) => c.rules > 0).length,
    };
  });
}

/** Natural order: CWE-78 before CWE-502, AML.T0010 before AML.T0010.003. */
function compareIds(a: string, b: string): number {
  const na = a.match(/\d+/g)?.map(Number) ?? [];
  const nb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
