import { parseDocument } from 'yaml';
import type { ModelFacts, PerformanceMetric } from './types.js';

const MAX_FRONT_MATTER = 256 * 1024;
const MAX_SECTION_TEXT = 1000;
const MAX_LIST = 64;

export function emptyFacts(): ModelFacts {
  return {
    licenses: [],
    datasets: [],
    baseModels: [],
    languages: [],
    tags: [],
    inputs: [],
    outputs: [],
    metrics: [],
    useCases: [],
    technicalLimitations: [],
    ethicalConsiderations: [],
    properties: [],
    notes: [],
  };
}

/** Splits `---\n<yaml>\n---\n<markdown>`; a card without front matter is all body. */
export function splitFrontMatter(text: string): { yaml?: string; body: string } {
  const t = text.replace(/^\uFEFF/, '');
  if (!/^---\r?\n/.test(t)) return { body: t };
  const end = /\r?\n---[ \t]*(\r?\n|$)/.exec(t.slice(3));
  if (!end) return { body: t };
  return { yaml: t.slice(4, 3 + end.index), body: t.slice(3 + end.index + end[0].length) };
}

/**
 * Reads a Hugging Face model card: the YAML front matter (license, datasets, pipeline_tag,
 * base_model, model-index metrics …) and the usual prose sections (uses, limitations, bias).
 * The YAML is untrusted: aliases are capped (billion-laughs) and size is bounded.
 */
export function readModelCard(text: string, facts: ModelFacts = emptyFacts()): ModelFacts {
  const { yaml, body } = splitFrontMatter(text);
  if (yaml !== undefined) {
    if (yaml.length > MAX_FRONT_MATTER)
      facts.notes.push(`README.md front matter over ${MAX_FRONT_MATTER} bytes; ignored`);
    else {
      const doc = parseDocument(yaml, { uniqueKeys: false, prettyErrors: false });
      if (doc.errors.length > 0)
        facts.notes.push(`README.md front matter is not valid YAML: ${doc.errors[0]?.message}`);
      else {
        try {
          const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
          if (isRecord(data)) frontMatter(data, facts);
        } catch (e) {
          facts.notes.push(`README.md front matter rejected: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  }
  sections(body, facts);
  return facts;
}

function frontMatter(d: Record<string, unknown>, f: ModelFacts): void {
  pushAll(f.licenses, list(d.license));
  if (typeof d.license_name === 'string' && f.licenses.includes('other')) {
    f.licenses.splice(f.licenses.indexOf('other'), 1, d.license_name);
  }
  pushAll(f.datasets, list(d.datasets));
  pushAll(f.baseModels, list(d.base_model));
  pushAll(f.languages, list(d.language));
  pushAll(f.tags, list(d.tags));
  if (typeof d.pipeline_tag === 'string') f.task = d.pipeline_tag.slice(0, 100);
  if (typeof d.library_name === 'string') f.libraryName = d.library_name.slice(0, 100);
  const index = Array.isArray(d['model-index']) ? d['model-index'] : [];
  for (const entry of index.slice(0, MAX_LIST)) {
    if (!isRecord(entry)) continue;
    if (typeof entry.name === 'string' && !f.name) f.name = entry.name.slice(0, 200);
    const results = Array.isArray(entry.results) ? entry.results : [];
    for (const r of results.slice(0, MAX_LIST)) {
      if (!isRecord(r)) continue;
      const task = isRecord(r.task) ? str(r.task.type) : undefined;
      const ds = isRecord(r.dataset) ? r.dataset : {};
      const slice = [str(ds.name) ?? str(ds.type), str(ds.config), str(ds.split) && `split ${str(ds.split)}`]
        .filter(Boolean)
        .join(', ');
      if (task && !f.task) f.task = task;
      const dsId = str(ds.type);
      if (dsId && !f.datasets.includes(dsId) && f.datasets.length < MAX_LIST) f.datasets.push(dsId);
      for (const m of (Array.isArray(r.metrics) ? r.metrics : []).slice(0, MAX_LIST)) {
        if (!isRecord(m)) continue;
        const type = str(m.type) ?? str(m.name);
        const value =
          typeof m.value === 'number' || typeof m.value === 'string' ? String(m.value).slice(0, 100) : undefined;
        if (!type || value === undefined || f.metrics.length >= MAX_LIST * 4) continue;
        const metric: PerformanceMetric = slice ? { type, value, slice } : { type, value };
        f.metrics.push(metric);
      }
    }
  }
}

/** Section headings of the Hub's model card template, mapped to CycloneDX considerations. */
const SECTIONS: readonly (readonly [RegExp, 'useCases' | 'technicalLimitations' | 'ethicalConsiderations'])[] = [
  [/out[- ]of[- ]scope/i, 'technicalLimitations'],
  // Before "limitation": the Hub template's heading is "Bias, Risks, and Limitations".
  [/\b(bias|risks?|ethic)/i, 'ethicalConsiderations'],
  [/limitation/i, 'technicalLimitations'],
  [/intended use|direct use|downstream use|use cases?|^uses$/i, 'useCases'],
];

function sections(body: string, f: ModelFacts): void {
  const lines = body.slice(0, 1024 * 1024).split(/\r?\n/);
  let current: (typeof SECTIONS)[number][1] | undefined;
  let heading = '';
  let buf: string[] = [];
  const flush = () => {
    const text = stripComments(buf.join(' ')).replace(/\s+/g, ' ').trim();
    if (current && text && !/^\[?more information needed\]?$/i.test(text) && f[current].length < MAX_LIST) {
      const clipped = text.length > MAX_SECTION_TEXT ? `${text.slice(0, MAX_SECTION_TEXT - 1)}…` : text;
      f[current].push(current === 'ethicalConsiderations' ? clipped : `${heading}: ${clipped}`);
    }
    buf = [];
  };
  for (const line of lines) {
    const h = /^#{1,6}[ \t]+(.{1,200})$/.exec(line);
    if (h) {
      flush();
      heading = h[1]!.replace(/#+\s*$/, '').trim();
      current = SECTIONS.find(([re]) => re.test(heading))?.[1];
      continue;
    }
    if (current) buf.push(line);
  }
  flush();
}

/** Hub `pipeline_tag` → what goes in and comes out, for modelParameters.inputs/outputs. */
export const TASK_IO: Readonly<Record<string, readonly [string, string]>> = {
  'text-generation': ['text', 'text'],
  'text2text-generation': ['text', 'text'],
  'text-classification': ['text', 'label'],
  'token-classification': ['text', 'labelled tokens'],
  'fill-mask': ['text', 'text'],
  'question-answering': ['text', 'text'],
  summarization: ['text', 'text'],
  translation: ['text', 'text'],
  'feature-extraction': ['text', 'embedding'],
  'sentence-similarity': ['text', 'score'],
  'image-classification': ['image', 'label'],
  'object-detection': ['image', 'bounding boxes'],
  'image-segmentation': ['image', 'mask'],
  'image-to-text': ['image', 'text'],
  'text-to-image': ['text', 'image'],
  'automatic-speech-recognition': ['audio', 'text'],
  'text-to-speech': ['text', 'audio'],
  'audio-classification': ['audio', 'label'],
  'zero-shot-classification': ['text', 'label'],
};

/** transformers class-name suffix → task, for folders whose card names none. */
export const ARCHITECTURE_TASK: readonly (readonly [RegExp, string])[] = [
  [/ForCausalLM$/, 'text-generation'],
  [/ForConditionalGeneration$/, 'text2text-generation'],
  [/ForSequenceClassification$/, 'text-classification'],
  [/ForTokenClassification$/, 'token-classification'],
  [/ForMaskedLM$/, 'fill-mask'],
  [/ForQuestionAnswering$/, 'question-answering'],
  [/ForImageClassification$/, 'image-classification'],
  [/ForSpeechSeq2Seq$|ForCTC$/, 'automatic-speech-recognition'],
];

function list(v: unknown): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items
    .filter((x): x is string | number => typeof x === 'string' || typeof x === 'number')
    .map((x) => String(x).slice(0, 200))
    .slice(0, MAX_LIST);
}

function pushAll(into: string[], items: readonly string[]): void {
  for (const i of items) if (!into.includes(i)) into.push(i);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : typeof v === 'number' ? String(v) : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops `<!-- … -->` with indexOf, not a lazy regex: linear on hostile text. */
function stripComments(s: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = s.indexOf('<!--', at);
    if (open < 0) return out + s.slice(at);
    out += `${s.slice(at, open)} `;
    const close = s.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}
