import { type Rule, ref } from '../../core/rule.js';

const TEMPLATE_REFS = [
  ref.atlas('AML.T0010.003'), // ML Supply Chain Compromise: Model
  ref.atlas('AML.T0011.000'), // User Execution: Unsafe ML Artifacts
  ref.owaspMl('ML06:2023'),
  ref.owaspLlm('LLM03:2025'),
  ref.cwe(1336), // Improper Neutralization of Special Elements Used in a Template Engine
  ref.cve('CVE-2024-34359'), // llama-cpp-python rendered GGUF chat templates unsandboxed
] as const;

export const templateSsti: Rule = {
  id: 'template/ssti',
  title: 'Chat template reaches Python internals (SSTI)',
  severity: 'high',
  description:
    'The Jinja chat template accesses dunder or frame/globals attributes (`__class__`, `__globals__`, `__subclasses__`, `mro` …), ' +
    'directly, through `attr()`, a subscript, an attribute-path filter or `str.format`. Rendered by an unsandboxed Jinja ' +
    'environment this walks from any object to `os.system`.',
  remediation:
    'Do not use the model until the template is replaced with a known-good one. Render chat templates only in ' +
    "Jinja's ImmutableSandboxedEnvironment.",
  references: [...TEMPLATE_REFS, ref.cwe(94)],
};

export const templateGadgetGlobal: Rule = {
  id: 'template/gadget-global',
  title: 'Chat template names a Jinja gadget global',
  severity: 'high',
  description:
    'The template references `cycler`, `joiner`, `lipsum`, `self` or a Flask global. These objects are the usual ' +
    'first step of Jinja SSTI chains (`lipsum.__globals__`); chat templates have no use for them.',
  remediation: 'Replace the template with the publisher’s original; render templates in a sandboxed environment.',
  references: TEMPLATE_REFS,
};

export const templateAttrFilter: Rule = {
  id: 'template/attr-filter',
  title: 'Chat template uses the attr() filter',
  severity: 'medium',
  description:
    'The `attr` filter fetches an attribute by a string, which hides attribute names from simple filters. ' +
    'A constant, ordinary name is medium; a computed, escaped or chained name is high.',
  remediation: 'Check why a chat template needs dynamic attribute access; real templates index messages by key.',
  references: TEMPLATE_REFS,
};

export const templatePrivateAttribute: Rule = {
  id: 'template/private-attribute',
  title: 'Chat template accesses an underscore attribute',
  severity: 'medium',
  description:
    'An attribute starting with `_` is refused by the Jinja sandbox and is never needed to format chat messages.',
  remediation: 'Review the template; replace it with the publisher’s original if it was not meant to do this.',
  references: TEMPLATE_REFS,
};

export const templateLoaderTag: Rule = {
  id: 'template/loader-tag',
  title: 'Chat template imports or includes other templates',
  severity: 'high',
  description:
    '`{% import %}`, `{% from %}`, `{% include %}` or `{% extends %}` ask the template loader to read other files. ' +
    'Chat-template runtimes have no loader; with one, these tags read files from the host.',
  remediation: 'Remove the tag; a chat template must be self-contained.',
  references: [...TEMPLATE_REFS, ref.cwe(73)],
};

export const templateUnparsed: Rule = {
  id: 'template/unparsed',
  title: 'Chat template could not be parsed; checked by token scan only',
  severity: 'medium',
  description:
    'The template did not parse with @huggingface/jinja, although Python jinja2 may accept it. It was checked by a ' +
    'conservative token scan of its `{{ }}`/`{% %}` blocks (with Python string escapes decoded), which can miss ' +
    'obfuscated payloads. The file is not verified clean.',
  remediation: 'Inspect the template by hand, or render it only in a sandboxed Jinja environment.',
  references: TEMPLATE_REFS,
};

export const templateTooLong: Rule = {
  id: 'template/too-long',
  title: 'Chat template longer than the analysis cap',
  severity: 'medium',
  description:
    'The template is longer than the configured maximum; only the token scan was run over it. Real chat templates are a few kilobytes.',
  remediation: 'Inspect the template by hand; raise the cap if it is legitimate.',
  references: TEMPLATE_REFS,
};

export const TEMPLATE_RULES: readonly Rule[] = [
  templateSsti,
  templateGadgetGlobal,
  templateAttrFilter,
  templatePrivateAttribute,
  templateLoaderTag,
  templateUnparsed,
  templateTooLong,
];

export function templateRule(id: string): Rule | undefined {
  return TEMPLATE_RULES.find((r) => r.id === id);
}
