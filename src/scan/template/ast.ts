/**
 * A structural view of @huggingface/jinja's AST. The package does not export its node classes
 * from its entry point, so we read nodes by their `type` tag and fields; an unknown node shape
 * simply folds to `undefined` and is walked generically.
 */
export interface AstNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

export function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

export function nodeField(n: AstNode, field: string): AstNode | undefined {
  const v = n[field];
  return isNode(v) ? v : undefined;
}

export function nodeList(n: AstNode, field: string): AstNode[] {
  const v = n[field];
  return Array.isArray(v) ? v.filter(isNode) : [];
}

/** The name of an Identifier node, else undefined. */
export function identName(n: unknown): string | undefined {
  return isNode(n) && n.type === 'Identifier' && typeof n.value === 'string' ? n.value : undefined;
}

/** Every child node of `n`, in field order (arrays and Map entries included). */
export function childrenOf(n: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const [k, v] of Object.entries(n)) {
    if (k === 'type' || k === 'operator') continue;
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) isNode(x) && out.push(x);
    else if (v instanceof Map)
      for (const [a, b] of v) {
        if (isNode(a)) out.push(a);
        if (isNode(b)) out.push(b);
      }
  }
  return out;
}
