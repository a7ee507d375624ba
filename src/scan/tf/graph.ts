import type { Severity } from '../../core/severity.js';
import { locationEscape } from '../onnx/path.js';
import type { ProtoSource } from '../protobuf/source.js';
import { asNumber, WIRE, type WireField } from '../protobuf/wire.js';
import { DANGEROUS_OPS, isExternalDestination, PATH_INPUT_OPS, URL_ATTRS } from './ops.js';
import type { TF_RULES } from './rules.js';

/**
 * Walks TensorFlow protobufs by field number (tensorflow/core/protobuf/saved_model.proto,
 * meta_graph.proto; core/framework/graph.proto, node_def.proto, function.proto,
 * attr_value.proto, tensor.proto): every node of the graph and of every library function.
 * Tensor contents are never read except the first string of small string constants, which
 * resolves file paths fed to file and checkpoint ops.
 */
export interface TfIssue {
  readonly rule: keyof typeof TF_RULES;
  readonly message: string;
  readonly offset: number;
  readonly evidence?: string;
  readonly severity?: Severity;
}

interface NodeRec {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly offset: number;
  readonly constString?: string;
  readonly urls: readonly (readonly [string, string])[];
}

export interface TfInfo {
  readonly tags: string[];
  tensorflowVersion?: string;
  nodeCount: number;
  readonly functions: string[];
  readonly opTypes: Map<string, number>;
  readonly signatures: string[];
  readonly assets: string[];
}

const DT_STRING = 7;
const MAX_ISSUES = 200;
const MAX_NODES_PER_SCOPE = 2_000_000;

export class TfWalker {
  readonly issues: TfIssue[] = [];
  readonly info: TfInfo = { tags: [], nodeCount: 0, functions: [], opTypes: new Map(), signatures: [], assets: [] };

  constructor(private readonly pb: ProtoSource) {}

  issue(i: TfIssue): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push(i);
  }

  async savedModel(start: number, end: number): Promise<void> {
    for await (const f of this.pb.fields(start, end)) if (f.no === 2 && f.wire === WIRE.LEN) await this.metaGraph(f);
  }

  private async metaGraph(f: WireField): Promise<void> {
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 1) await this.metaInfo(g);
      else if (g.no === 2) await this.graphDef(g.start, g.end);
      else if (g.no === 5) {
        for await (const e of this.pb.fields(g.start, g.end))
          if (e.no === 1 && e.wire === WIRE.LEN && this.info.signatures.length < 256)
            this.info.signatures.push(await this.pb.text(e, 256));
      } else if (g.no === 6) await this.asset(g);
    }
  }

  private async metaInfo(f: WireField): Promise<void> {
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.no === 4 && g.wire === WIRE.LEN && this.info.tags.length < 32)
        this.info.tags.push(await this.pb.text(g, 256));
      if (g.no === 5 && g.wire === WIRE.LEN) this.info.tensorflowVersion = await this.pb.text(g, 64);
    }
  }

  private async asset(f: WireField): Promise<void> {
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.no !== 2 || g.wire !== WIRE.LEN) continue;
      const name = await this.pb.text(g, 4096);
      if (this.info.assets.length < 256) this.info.assets.push(name);
      const why = locationEscape(name);
      if (why)
        this.issue({
          rule: 'assetPath',
          message: `asset file name ${why}`,
          offset: g.start,
          evidence: `filename=${name}`,
        });
    }
  }

  async graphDef(start: number, end: number): Promise<void> {
    const scope = new Map<string, NodeRec>();
    for await (const f of this.pb.fields(start, end)) {
      if (f.wire !== WIRE.LEN) continue;
      if (f.no === 1) await this.node(f, scope);
      else if (f.no === 2) await this.library(f);
    }
    this.judge(scope, 'graph');
  }

  private async library(f: WireField): Promise<void> {
    for await (const g of this.pb.fields(f.start, f.end))
      if (g.no === 1 && g.wire === WIRE.LEN) await this.functionDef(g);
  }

  private async functionDef(f: WireField): Promise<void> {
    let name = '';
    const scope = new Map<string, NodeRec>();
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 1)
        for await (const s of this.pb.fields(g.start, g.end))
          if (s.no === 1 && s.wire === WIRE.LEN) name = await this.pb.text(s, 512);
      if (g.no === 3) await this.node(g, scope);
    }
    if (this.info.functions.length < 10_000) this.info.functions.push(name);
    this.judge(scope, `function ${JSON.stringify(name)}`);
  }

  private async node(f: WireField, scope: Map<string, NodeRec>): Promise<void> {
    this.info.nodeCount++;
    let name = '';
    let op = '';
    const inputs: string[] = [];
    const attrs: WireField[] = [];
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 1) name = await this.pb.text(g, 1024);
      else if (g.no === 2) op = await this.pb.text(g, 256);
      else if (g.no === 3 && inputs.length < 4) inputs.push(await this.pb.text(g, 1024));
      else if (g.no === 5) attrs.push(g);
    }
    if (this.info.opTypes.size < 5000 || this.info.opTypes.has(op))
      this.info.opTypes.set(op, (this.info.opTypes.get(op) ?? 0) + 1);
    const urls: [string, string][] = [];
    let constString: string | undefined;
    const urlAttr = URL_ATTRS[op];
    if (urlAttr || op === 'Const')
      for (const a of attrs) {
        const entry = await this.attrEntry(a, urlAttr ?? 'value');
        if (!entry) continue;
        if (urlAttr) for (const s of entry.strings) urls.push([urlAttr, s]);
        else constString = entry.tensorString;
      }
    if (scope.size < MAX_NODES_PER_SCOPE)
      scope.set(name, {
        name,
        op,
        inputs,
        offset: f.start,
        urls,
        ...(constString === undefined ? {} : { constString }),
      });
  }

  /** One `map<string, AttrValue>` entry, decoded only when its key is `want`. */
  private async attrEntry(
    f: WireField,
    want: string,
  ): Promise<{ strings: string[]; tensorString?: string } | undefined> {
    let key = '';
    let value: WireField | undefined;
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.no === 1 && g.wire === WIRE.LEN) key = await this.pb.text(g, 256);
      if (g.no === 2 && g.wire === WIRE.LEN) value = g;
    }
    if (key !== want || !value) return undefined;
    const strings: string[] = [];
    let tensorString: string | undefined;
    for await (const v of this.pb.fields(value.start, value.end)) {
      if (v.wire !== WIRE.LEN) continue;
      if (v.no === 2) strings.push(await this.pb.text(v, 4096));
      else if (v.no === 1)
        for await (const l of this.pb.fields(v.start, v.end))
          if (l.no === 2 && l.wire === WIRE.LEN && strings.length < 64) strings.push(await this.pb.text(l, 4096));
      if (v.no === 8) tensorString = await this.tensorString(v);
    }
    return tensorString === undefined ? { strings } : { strings, tensorString };
  }

  private async tensorString(f: WireField): Promise<string | undefined> {
    let dtype = 0;
    let first: string | undefined;
    for await (const t of this.pb.fields(f.start, f.end)) {
      if (t.no === 1) dtype = asNumber(t.varint) ?? 0;
      if (t.no === 8 && t.wire === WIRE.LEN && first === undefined) first = await this.pb.text(t, 4096);
    }
    return dtype === DT_STRING ? first : undefined;
  }

  /** Follows Identity chains to a string constant (bounded). */
  private constant(scope: Map<string, NodeRec>, input: string | undefined): string | undefined {
    let name = input;
    for (let i = 0; i < 8 && name !== undefined; i++) {
      const n = scope.get(name.replace(/^\^/, '').split(':')[0] ?? '');
      if (!n) return undefined;
      if (n.constString !== undefined) return n.constString;
      if (n.op !== 'Identity' && n.op !== 'IdentityN') return undefined;
      name = n.inputs[0];
    }
    return undefined;
  }

  private judge(scope: Map<string, NodeRec>, where: string): void {
    for (const n of scope.values()) {
      const category = DANGEROUS_OPS[n.op];
      if (category) {
        const path = this.constant(scope, n.inputs[0]);
        this.issue({
          rule: 'dangerousOp',
          message: `${where} node ${JSON.stringify(n.name)} uses ${n.op} (${category})${path === undefined ? '' : ` on ${JSON.stringify(path)}`}`,
          offset: n.offset,
          evidence: `op=${n.op}${path === undefined ? '' : ` path=${path}`}`,
        });
      }
      for (const [attr, value] of n.urls)
        if (isExternalDestination(attr, value))
          this.issue({
            rule: 'urlAttribute',
            message: `${where} node ${JSON.stringify(n.name)} (${n.op}) sends data to ${JSON.stringify(value)}`,
            offset: n.offset,
            evidence: `${attr}=${value}`,
          });
      // The path is input 0 (SaveV2, RestoreV2, Save, Restore…) or 1 (MergeV2Checkpoints'
      // destination, InitializeTableFromTextFile's filename).
      if (PATH_INPUT_OPS.has(n.op))
        for (const input of n.inputs.slice(0, 2)) {
          const path = this.constant(scope, input);
          const why = path === undefined ? undefined : locationEscape(path);
          if (why)
            this.issue({
              rule: 'checkpointPath',
              message: `${where} node ${JSON.stringify(n.name)} (${n.op}) uses a constant path that ${why}`,
              offset: n.offset,
              evidence: `path=${path}`,
            });
        }
    }
  }
}
