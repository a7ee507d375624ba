import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { DESERIALIZATION_REFS, findingOf, type Rule, ref } from '../../core/rule.js';
import { headLooksKeras, isKerasConfigObject, MAX_CONFIG_BYTES, readJson, readText } from '../keras/config-json.js';
import { kerasConfigOutcome } from '../keras/scan-config.js';
import { checkChatTemplate } from '../template/jinja-check.js';
import { TEMPLATE_RULES, templateRule } from '../template/rules.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';

const REMOTE_CODE_REFS = [
  ...DESERIALIZATION_REFS.filter((r) => r.type !== 'cwe'),
  ref.atlas('AML.T0010.001'),
  ref.cwe(829),
];

export const HF_RULES = {
  remoteCode: {
    id: 'hf/remote-code',
    title: 'Hugging Face config runs custom code (trust_remote_code)',
    severity: 'medium',
    description:
      '`auto_map` (or `custom_pipelines`) points transformers at Python modules shipped with the model. Loading with `trust_remote_code=True` imports them, so the model folder is code, not data. The referenced files are scanned on their own.',
    remediation:
      'Review the named Python files, pin the model to a reviewed revision (`revision=<commit>`), or use a model that needs no remote code.',
    references: REMOTE_CODE_REFS,
  },
  remoteCodeExternal: {
    id: 'hf/remote-code-external',
    title: 'Hugging Face config runs code from another repository',
    severity: 'high',
    description:
      'An `auto_map` entry of the form `owner/repo--module.Class` makes transformers download and run a module from a different Hub repository at load time. That code is not in this folder, cannot be scanned here, and can change after review.',
    remediation: 'Vendor the code into the model folder after review, or pin and review the other repository too.',
    references: REMOTE_CODE_REFS,
  },
} as const satisfies Record<string, Rule>;

/** Names this scanner claims; the meaning of these files comes from their name. */
const JSON_NAMES = new Set([
  'config.json',
  'tokenizer_config.json',
  'processor_config.json',
  'preprocessor_config.json',
  'chat_template.json',
]);
const TEMPLATE_NAMES = new Set(['chat_template.jinja']);
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface CodeRef {
  readonly key: string;
  readonly ref: string;
  readonly repo?: string;
  readonly file?: string;
  readonly className?: string;
}

function parseRef(key: string, value: string): CodeRef {
  const dash = value.indexOf('--');
  const repo = dash >= 0 ? value.slice(0, dash) : undefined;
  const local = dash >= 0 ? value.slice(dash + 2) : value;
  const dot = local.lastIndexOf('.');
  const module = dot > 0 ? local.slice(0, dot) : undefined;
  const className = dot > 0 ? local.slice(dot + 1) : undefined;
  const base = { key, ref: value, ...(repo === undefined ? {} : { repo }) };
  return module === undefined ? base : { ...base, file: `${module}.py`, ...(className ? { className } : {}) };
}

/** Every class reference in `auto_map` (strings or `[slow, fast]` lists) and `custom_pipelines`. */
function codeRefs(cfg: Record<string, unknown>): CodeRef[] {
  const out: CodeRef[] = [];
  const add = (key: string, v: unknown) => {
    if (typeof v === 'string') out.push(parseRef(key, v));
    else if (Array.isArray(v)) for (const x of v.slice(0, 16)) if (typeof x === 'string') out.push(parseRef(key, x));
  };
  const map = cfg.auto_map;
  if (map && typeof map === 'object' && !Array.isArray(map)) {
    for (const [k, v] of Object.entries(map).slice(0, 256)) add(k, v);
  }
  const pipes = cfg.custom_pipelines;
  if (pipes && typeof pipes === 'object' && !Array.isArray(pipes)) {
    for (const [task, p] of Object.entries(pipes).slice(0, 256)) {
      if (p && typeof p === 'object') add(`custom_pipelines.${task}`, (p as Record<string, unknown>).impl);
    }
  }
  return out;
}

function located(ctx: ScanContext) {
  return { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }) };
}

function remoteCodeFindings(refs: readonly CodeRef[], name: string, ctx: ScanContext, scanner: string): Finding[] {
  const findings: Finding[] = [];
  const local = refs.filter((r) => r.repo === undefined && r.file && MODULE_NAME.test(r.file.slice(0, -3)));
  const external = refs.filter((r) => !local.includes(r));
  if (local.length > 0) {
    const files = [...new Set(local.map((r) => r.file!))];
    const missing = files.filter((f) => !ctx.siblings.includes(f));
    const parts = [`runs ${files.join(', ')} under trust_remote_code`];
    if (ctx.siblings.length > 0 && missing.length > 0) {
      parts.push(`not in this folder (fetched from the Hub at load time): ${missing.join(', ')}`);
    }
    findings.push(
      findingOf(HF_RULES.remoteCode, {
        ...located(ctx),
        message: `${name} auto_map ${parts.join('; ')}`,
        evidence: cleanEvidence(local.map((r) => `${r.key} → ${r.ref}`).join('; ')),
        scanner,
      }),
    );
  }
  for (const r of external) {
    const why = r.repo !== undefined ? `from repository ${r.repo}` : 'with an unusual module path';
    findings.push(
      findingOf(HF_RULES.remoteCodeExternal, {
        ...located(ctx),
        message: `${name} auto_map ${r.key} loads custom code ${why}: ${r.ref}`,
        evidence: cleanEvidence(`${r.key} → ${r.ref}`),
        scanner,
      }),
    );
  }
  return findings;
}

function templateFindings(template: string, label: string, ctx: ScanContext, scanner: string): Finding[] {
  const r = checkChatTemplate(template);
  const out: Finding[] = [];
  for (const issue of r.issues) {
    const rule = templateRule(issue.ruleId);
    if (!rule) continue;
    out.push(
      findingOf(rule, {
        ...located(ctx),
        severity: issue.severity,
        message: `${label}: ${issue.message}`,
        evidence: issue.evidence,
        scanner,
      }),
    );
  }
  return out;
}

/** Chat templates in tokenizer_config.json / chat_template.json: a string or a list of {name, template}. */
function templatesOf(cfg: Record<string, unknown>): { label: string; template: string }[] {
  const t = cfg.chat_template;
  if (typeof t === 'string') return [{ label: 'chat_template', template: t }];
  if (!Array.isArray(t)) return [];
  return t.slice(0, 64).flatMap((e) => {
    if (!e || typeof e !== 'object') return [];
    const { name, template } = e as Record<string, unknown>;
    return typeof template === 'string' ? [{ label: `chat_template[${String(name ?? '?')}]`, template }] : [];
  });
}

/** Judges a parsed Hugging Face JSON config (any of the claimed names). */
export function hfJsonOutcome(value: unknown, name: string, ctx: ScanContext, scanner: string): ScanOutcome {
  if (name === 'config.json' && isKerasConfigObject(value)) {
    return kerasConfigOutcome(value as Record<string, unknown>, ctx, scanner);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { findings: [], metadata: { kind: 'hf-config' } };
  }
  const cfg = value as Record<string, unknown>;
  const refs = codeRefs(cfg);
  const findings = remoteCodeFindings(refs, name, ctx, scanner);
  const templates = templatesOf(cfg);
  for (const t of templates) findings.push(...templateFindings(t.template, t.label, ctx, scanner));
  const metadata: Record<string, unknown> = { kind: 'hf-config', file: name };
  if (typeof cfg.model_type === 'string') metadata.model_type = cfg.model_type;
  if (Array.isArray(cfg.architectures)) metadata.architectures = cfg.architectures.slice(0, 16);
  if (refs.length > 0) metadata.remoteCode = [...new Set(refs.map((r) => r.ref))];
  if (templates.length > 0) metadata.chatTemplates = templates.map((t) => t.label);
  return { findings, metadata };
}

/**
 * Hugging Face model folders: `config.json` (`auto_map` → trust_remote_code modules),
 * `tokenizer_config.json` and processor configs (`auto_map`, `chat_template`), and
 * `chat_template.jinja`/`chat_template.json` (templates checked as Jinja ASTs, never rendered).
 */
export const hfConfigScanner: FormatScanner = {
  id: 'hf-config',
  version: 1,
  description: 'Hugging Face config.json / tokenizer_config.json (auto_map, chat templates) and chat_template.jinja',
  rules: [...Object.values(HF_RULES), ...TEMPLATE_RULES],
  sniff: ({ head, name }) => {
    if (TEMPLATE_NAMES.has(name)) return !head.includes(0);
    if (!JSON_NAMES.has(name) || (name === 'config.json' && headLooksKeras(head))) return false;
    const first = head.findIndex(
      (b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf,
    );
    return head[first] === 0x7b; // `{`
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const name = (ctx.member ?? ctx.path).split(/[\\/!]/).pop() ?? '';
    const cap = Math.min(MAX_CONFIG_BYTES, ctx.limits.maxHeaderBytes);
    if (TEMPLATE_NAMES.has(name)) {
      const text = await readText(src, cap);
      if (text === undefined)
        return { findings: [], error: { code: 'limit_exceeded', message: `template larger than ${cap} bytes` } };
      return { findings: templateFindings(text, name, ctx, this.id), metadata: { kind: 'chat-template' } };
    }
    const json = await readJson(src, cap);
    if (!json.ok) return { findings: [], error: json.error };
    return hfJsonOutcome(json.value, JSON_NAMES.has(name) ? name : 'config.json', ctx, this.id);
  },
};
