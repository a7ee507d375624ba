import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { findingOf } from '../../core/rule.js';
import { checkLayout } from '../gguf/layout.js';
import { type GgufFile, readGguf } from '../gguf/reader.js';
import { GGUF_RULE_LIST, GGUF_RULES } from '../gguf/rules.js';
import { FILE_TYPES, GGML_TYPES } from '../gguf/tables.js';
import { checkChatTemplate, type TemplateIssue } from '../template/jinja-check.js';
import { TEMPLATE_RULES, templateRule } from '../template/rules.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';

/**
 * GGUF (llama.cpp / ggml) models: header, every metadata entry and every tensor info are read
 * with bounded reads; tensor data never is. Chat templates (`tokenizer.chat_template` and the
 * named `tokenizer.chat_template.<name>` variants) are checked as Jinja for SSTI.
 */
export const ggufScanner: FormatScanner = {
  id: 'gguf',
  version: 1,
  description: 'GGUF model (metadata, tensor infos and Jinja chat templates; tensor data is never read)',
  rules: [...GGUF_RULE_LIST, ...TEMPLATE_RULES],
  sniff: ({ head }) => head.length >= 8 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46,
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }), scanner: 'gguf' };
    const file = await readGguf(src, ctx.limits);
    const findings: Finding[] = [];
    const layout = checkLayout(file, src.size);
    for (const i of [...file.issues, ...layout.issues])
      findings.push(
        findingOf(GGUF_RULES[i.rule], {
          ...at,
          offset: i.offset,
          message: i.message,
          ...(i.severity ? { severity: i.severity } : {}),
          ...(i.evidence === undefined ? {} : { evidence: cleanEvidence(i.evidence) }),
        }),
      );
    for (const t of file.templates) {
      // One finding per rule and severity per template: a payload trips many checks at once.
      const groups = new Map<string, TemplateIssue[]>();
      for (const issue of checkChatTemplate(t.text).issues) {
        const key = `${issue.ruleId}\u0000${issue.severity}`;
        groups.set(key, [...(groups.get(key) ?? []), issue]);
      }
      for (const [first, ...rest] of groups.values()) {
        const rule = first ? templateRule(first.ruleId) : undefined;
        if (!first || !rule) continue;
        findings.push(
          findingOf(rule, {
            ...at,
            offset: t.offset,
            severity: first.severity,
            message: `${t.key}: ${first.message}${rest.length ? ` (and ${rest.length} more)` : ''}`,
            evidence: cleanEvidence([first, ...rest].map((i) => i.evidence).join(' | ')),
          }),
        );
      }
    }
    const metadata = metadataOf(file, layout.alignment);
    return file.error ? { findings, metadata, error: file.error } : { findings, metadata };
  },
};

const BOM_KEYS = [
  'general.architecture',
  'general.name',
  'general.basename',
  'general.version',
  'general.size_label',
  'general.organization',
  'general.license',
  'general.license.name',
  'general.license.link',
  'general.url',
  'general.repo_url',
  'general.quantization_version',
  'general.file_type',
] as const;

function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v;
}

function metadataOf(file: GgufFile, alignment: number): Record<string, unknown> {
  const out: Record<string, unknown> = { format: 'gguf', ggufVersion: file.version };
  if (!file.littleEndian) out.bigEndian = true;
  if (file.tensorCount !== undefined) out.tensorCount = file.tensorCount;
  if (file.kvCount !== undefined) out.metadataCount = file.kvCount;
  for (const k of BOM_KEYS) {
    const v = file.kvs.get(k)?.value;
    if (v !== undefined) out[k.slice('general.'.length)] = typeof v === 'string' ? v.slice(0, 256) : plain(v);
  }
  const ft = file.kvs.get('general.file_type')?.value;
  if (typeof ft === 'number' && FILE_TYPES[ft]) out.fileTypeName = FILE_TYPES[ft];
  const arch = file.kvs.get('general.architecture')?.value;
  if (typeof arch === 'string') {
    const ctxLen = file.kvs.get(`${arch}.context_length`)?.value;
    if (ctxLen !== undefined) out.contextLength = plain(ctxLen);
  }
  if (alignment !== 32) out.alignment = alignment;
  const types: Record<string, number> = {};
  let parameters = 0n;
  for (const t of file.tensors) {
    const name = GGML_TYPES[t.type]?.[0] ?? `type${t.type}`;
    types[name] = (types[name] ?? 0) + 1;
    parameters += t.dims.reduce((p, d) => p * d, 1n);
  }
  if (file.tensors.length > 0) {
    out.tensorTypes = types;
    out.parameters = plain(parameters);
  }
  if (file.templates.length > 0) out.chatTemplates = file.templates.map((t) => t.key);
  return out;
}
