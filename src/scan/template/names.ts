/**
 * Name tables for the chat-template checker. Data only; the analysis lives in jinja-check.ts.
 *
 * Sources (read for facts): Jinja2's `sandbox.py` (`UNSAFE_FUNCTION_ATTRIBUTES`,
 * `UNSAFE_GENERATOR_ATTRIBUTES`, `UNSAFE_COROUTINE_ATTRIBUTES`, the `_`-prefix rule of
 * `is_safe_attribute`), the Jinja2 default globals (`range`, `dict`, `lipsum`, `cycler`, `joiner`,
 * `namespace`), and public SSTI payload write-ups used against CVE-2024-34359 (llama-cpp-python).
 */

/** Attributes that are not dunders yet reach frames, globals or code objects. */
export const SENSITIVE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'mro',
  'func_globals',
  'func_code',
  'func_closure',
  'func_dict',
  'f_globals',
  'f_locals',
  'f_builtins',
  'f_back',
  'f_code',
  'gi_frame',
  'gi_code',
  'cr_frame',
  'cr_code',
  'ag_frame',
  'ag_code',
  'tb_frame',
  'tb_next',
  'co_code',
  'im_func',
  'im_class',
  '_module',
  '_TemplateReference__context',
]);

/**
 * Jinja2 / Flask globals whose attributes lead to Python internals. A chat template has no reason
 * to name them: the runtimes pass messages, tools, special tokens and flags only.
 */
export const GADGET_GLOBALS: ReadonlySet<string> = new Set([
  'cycler',
  'joiner',
  'lipsum',
  'self',
  'url_for',
  'get_flashed_messages',
]);

/** Jinja statement tags that load other templates or modules (not supported by chat-template runtimes). */
export const LOADER_TAGS: ReadonlySet<string> = new Set(['import', 'from', 'include', 'extends']);

/**
 * Filters that take an attribute path (`map(attribute='a.b')`) and resolve it with getattr, so a
 * dunder in the path is as good as `.__class__`.
 */
export const ATTRIBUTE_PATH_FILTERS: ReadonlySet<string> = new Set([
  'map',
  'selectattr',
  'rejectattr',
  'sort',
  'groupby',
  'sum',
  'unique',
  'min',
  'max',
]);

const DUNDER = /^__[A-Za-z0-9_]*__$/;

/** A name that reaches Python object internals when used as an attribute. */
export function isSensitiveName(name: string): boolean {
  const n = name.normalize('NFKC');
  return DUNDER.test(n) || SENSITIVE_ATTRIBUTES.has(n);
}

/** Jinja's sandbox refuses every attribute starting with `_`; real chat templates never use one. */
export function isPrivateName(name: string): boolean {
  return name.normalize('NFKC').startsWith('_');
}
