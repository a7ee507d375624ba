import type { Rule } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import {
  DANGEROUS_FUNCTIONS,
  DANGEROUS_TF_SEGMENTS,
  HARMLESS_BUILTIN_FUNCTIONS,
  isDangerousModule,
  isKerasNamespace,
  KERAS_NAMESPACES,
} from './danger.js';
import { describeLambdaCode } from './lambda-code.js';
import { KERAS_RULES } from './rules.js';
import { type KerasNode, type WalkLimits, walkConfig } from './walker.js';

export type KerasFlavour = 'h5' | 'keras3';

export interface KerasIssue {
  readonly rule: Rule;
  readonly severity?: Severity;
  readonly message: string;
  readonly evidence?: string;
  /** Path through named layers to the object. */
  readonly layer: string;
}

export interface KerasAnalysis {
  readonly issues: readonly KerasIssue[];
  readonly objects: number;
  readonly layers: number;
  readonly truncated?: 'depth' | 'count';
}

type Rec = Readonly<Record<string, unknown>>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The base64 bytecode of a serialized function, in any of the shapes Keras 2 and 3 write. */
function bytecodeOf(fn: unknown): string | undefined {
  if (typeof fn === 'string') return fn;
  if (Array.isArray(fn)) return str(fn[0]);
  if (isRecord(fn)) {
    const cfg = fn.config;
    if (isRecord(cfg)) {
      const value = cfg.value;
      if (Array.isArray(value)) return str(value[0]);
      return str(value) ?? str(cfg.code);
    }
  }
  return undefined;
}

function lambdaIssue(n: KerasNode, handled: Set<unknown>): KerasIssue {
  const cfg = isRecord(n.node.config) ? n.node.config : {};
  const fn = cfg.function;
  if (isRecord(fn)) handled.add(fn);
  const type = str(cfg.function_type);
  const fnModule = str(cfg.module) ?? str(cfg.function_module);
  if (type === 'raw' || (typeof fn === 'string' && fnModule)) {
    const target = `${fnModule ?? '?'}.${typeof fn === 'string' ? fn : '?'}`;
    return {
      rule: KERAS_RULES.lambdaLayer,
      layer: n.path,
      message: `Lambda layer '${n.path}' calls the Python function ${target}, imported when the model loads`,
      evidence: `function ${target}`,
    };
  }
  if (isRecord(fn) && str(fn.class_name) === 'function') {
    const target = `${str(fn.module) ?? '?'}.${str(fn.config) ?? '?'}`;
    return {
      rule: KERAS_RULES.lambdaLayer,
      layer: n.path,
      message: `Lambda layer '${n.path}' calls the Python function ${target}`,
      evidence: `function ${target}`,
    };
  }
  const code = bytecodeOf(fn);
  if (code === undefined) {
    return {
      rule: KERAS_RULES.lambdaLayer,
      layer: n.path,
      message: `Lambda layer '${n.path}' wraps a Python function Keras rebuilds on load`,
    };
  }
  const d = describeLambdaCode(code);
  const calls = d.suspicious.length > 0 ? ` touching ${d.suspicious.slice(0, 6).join(', ')}` : '';
  return {
    rule: KERAS_RULES.lambdaLayer,
    layer: n.path,
    message: `Lambda layer '${n.path}' carries marshalled Python bytecode${d.functionName ? ` (${d.functionName})` : ''}${calls}; Keras runs it when the model is loaded or called`,
    evidence: d.evidence,
  };
}

function registeredPackage(node: Rec): string | undefined {
  const r = str(node.registered_name);
  if (!r?.includes('>')) return undefined;
  return r.slice(0, r.indexOf('>'));
}

function functionIssue(n: KerasNode, module: string | undefined): KerasIssue | undefined {
  const name = str(n.node.config);
  const ref = [module, name].filter(Boolean).join('.');
  const segments = ref.split('.');
  const last = segments[segments.length - 1] ?? '';
  const dangerous =
    DANGEROUS_FUNCTIONS.includes(last) ||
    (module !== undefined && isKerasNamespace(module) && segments.some((s) => DANGEROUS_TF_SEGMENTS.includes(s)));
  if (!dangerous) return undefined;
  return {
    rule: KERAS_RULES.dangerousFunction,
    layer: n.path,
    message: `'${n.path}' references ${ref}, a function that reaches files, the network or native code`,
    evidence: `module ${module ?? '?'}, function ${name ?? '?'}`,
  };
}

function tfOpIssue(n: KerasNode): KerasIssue | undefined {
  const cfg = isRecord(n.node.config) ? n.node.config : {};
  const fn = str(cfg.function);
  if (!fn) return undefined;
  const segments = fn.split('.');
  const last = segments[segments.length - 1] ?? '';
  if (!DANGEROUS_FUNCTIONS.includes(last) && !segments.some((s) => DANGEROUS_TF_SEGMENTS.includes(s))) return undefined;
  return {
    rule: KERAS_RULES.dangerousFunction,
    layer: n.path,
    message: `${n.className} layer '${n.path}' calls tf.${fn}, which reaches outside the tensor graph`,
    evidence: `function tf.${fn}`,
  };
}

function moduleIssue(n: KerasNode, flavour: KerasFlavour): KerasIssue | undefined {
  const module = str(n.node.module);
  if (
    module === 'builtins' &&
    n.className === 'function' &&
    HARMLESS_BUILTIN_FUNCTIONS.includes(str(n.node.config) ?? '')
  ) {
    return undefined;
  }
  const pkg = registeredPackage(n.node);
  const where = `'${n.path}' (${n.className})`;
  const evidence = [module && `module ${module}`, pkg && `registered_name ${str(n.node.registered_name)}`]
    .filter(Boolean)
    .join(', ');
  if ((module && isDangerousModule(module)) || (pkg && isDangerousModule(pkg))) {
    return {
      rule: KERAS_RULES.dangerousModule,
      layer: n.path,
      message: `${where} resolves ${n.className} from ${module ?? pkg}, a module that runs commands or code`,
      evidence,
    };
  }
  const foreign = module ? !isKerasNamespace(module) : pkg !== undefined && !isKerasPackage(pkg);
  if (!foreign) return undefined;
  return {
    rule: KERAS_RULES.nonKerasModule,
    severity: flavour === 'h5' ? 'medium' : 'high',
    layer: n.path,
    message: `${where} comes from ${module ?? pkg}, outside the Keras/TensorFlow namespaces`,
    evidence,
  };
}

/** Registered package names are free text; Keras' own use names like `keras_hub` or `keras`. */
function isKerasPackage(pkg: string): boolean {
  const p = pkg.toLowerCase();
  return KERAS_NAMESPACES.some((ns) => p === ns || p.startsWith(`${ns}.`)) || p === 'keras_core';
}

const LAMBDA_TYPES = new Set(['Lambda']);
const TF_OP_TYPES = new Set(['TFOpLambda', 'SlicingOpLambda']);

/** Runs every Keras check over a parsed config; pure and bounded by the walker's caps. */
export function analyzeKerasConfig(root: unknown, flavour: KerasFlavour, limits?: WalkLimits): KerasAnalysis {
  const walk = walkConfig(root, limits);
  const issues: KerasIssue[] = [];
  const handled = new Set<unknown>();
  let layers = 0;
  for (const n of walk.objects) {
    if (isRecord(n.node.config) && typeof n.node.config.name === 'string') layers++;
    if (LAMBDA_TYPES.has(n.className)) {
      issues.push(lambdaIssue(n, handled));
      continue;
    }
    if (n.className === '__lambda__') {
      if (handled.has(n.node)) continue;
      const code = bytecodeOf(n.node);
      const d = code === undefined ? undefined : describeLambdaCode(code);
      issues.push({
        rule: KERAS_RULES.serializedFunction,
        layer: n.path,
        message: `'${n.path}' embeds a serialized Python function (__lambda__) that Keras rebuilds from bytecode`,
        ...(d ? { evidence: d.evidence } : {}),
      });
      continue;
    }
    if (TF_OP_TYPES.has(n.className)) {
      const t = tfOpIssue(n);
      if (t) issues.push(t);
      continue;
    }
    const m = moduleIssue(n, flavour);
    if (m) issues.push(m);
    else if (n.className === 'function') {
      const f = functionIssue(n, str(n.node.module));
      if (f) issues.push(f);
    }
  }
  const base = { issues, objects: walk.objects.length, layers };
  return walk.truncated ? { ...base, truncated: walk.truncated } : base;
}
