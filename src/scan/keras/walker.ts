/**
 * Walks a Keras model config (Keras 2 HDF5 `model_config`, Keras 3 `config.json`) and yields every
 * serialized object — anything with a `class_name` — wherever it sits: layers of Sequential and
 * Functional models, wrapped layers (`TimeDistributed`, `Bidirectional`), nested sub-models, RNN
 * cells, initializers, losses. Walking generically means a new wrapper shape cannot hide a layer.
 * Iterative with caps, so a deeply nested or huge config cannot exhaust the stack or the clock.
 */

export interface KerasNode {
  readonly node: Readonly<Record<string, unknown>>;
  readonly className: string;
  /** Human path through named layers, e.g. `model/time_distributed/lambda`. */
  readonly path: string;
  readonly depth: number;
}

export interface WalkLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = { maxDepth: 256, maxNodes: 500_000 };

export interface WalkResult {
  readonly objects: readonly KerasNode[];
  /** Set when a cap stopped the walk early. */
  readonly truncated?: 'depth' | 'count';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelOf(node: Record<string, unknown>, className: string): string {
  const cfg = node.config;
  const name = isRecord(cfg) && typeof cfg.name === 'string' ? cfg.name : node.name;
  return typeof name === 'string' && name.length > 0 ? name.slice(0, 80) : className.slice(0, 80);
}

export function walkConfig(root: unknown, limits: WalkLimits = DEFAULT_WALK_LIMITS): WalkResult {
  const objects: KerasNode[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  let visited = 0;
  let truncated: WalkResult['truncated'];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (++visited > limits.maxNodes) {
      truncated = 'count';
      break;
    }
    if (depth > limits.maxDepth) {
      truncated = 'depth';
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path, depth: depth + 1 });
      continue;
    }
    if (!isRecord(value)) continue;
    let childPath = path;
    if (typeof value.class_name === 'string') {
      const className = value.class_name;
      childPath = path ? `${path}/${labelOf(value, className)}` : labelOf(value, className);
      objects.push({ node: value, className, path: childPath, depth });
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ value: value[keys[i]!], path: childPath, depth: depth + 1 });
    }
  }
  return truncated ? { objects, truncated } : { objects };
}
