import type { Severity } from '../../core/severity.js';
import type { ProtoSource } from '../protobuf/source.js';
import { asInt64, asNumber, WIRE, type WireField } from '../protobuf/wire.js';
import { locationEscape } from './path.js';
import type { ONNX_RULES } from './rules.js';
import { KNOWN_DOMAINS, MAX_TENSOR_BYTES, ONNX_DTYPE_BITS } from './tables.js';

/**
 * Walks an ONNX ModelProto (onnx/onnx.proto field numbers) lazily: graphs, nodes, attributes
 * and their subgraphs, functions and training graphs, tensor headers. Tensor payloads
 * (raw_data, typed data arrays) are measured by their length field and never read.
 */
export interface OnnxIssue {
  readonly rule: keyof typeof ONNX_RULES;
  readonly message: string;
  readonly offset: number;
  readonly evidence?: string;
  readonly severity?: Severity;
}

export interface OnnxInfo {
  irVersion?: number | undefined;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number | undefined;
  readonly opsetImports: { domain: string; version: number | undefined }[];
  readonly metadataProps: Record<string, string>;
  nodeCount: number;
  initializerCount: number;
  readonly opTypes: Map<string, number>;
  readonly functions: string[];
  readonly externalLocations: Set<string>;
}

const MAX_DEPTH = 32;
const MAX_ISSUES = 200;
const MAX_CUSTOM_NODES = 10_000;

export class OnnxWalker {
  readonly issues: OnnxIssue[] = [];
  readonly info: OnnxInfo = {
    opsetImports: [],
    metadataProps: {},
    nodeCount: 0,
    initializerCount: 0,
    opTypes: new Map(),
    functions: [],
    externalLocations: new Set(),
  };
  private readonly customNodes: { domain: string; op: string; where: string; offset: number }[] = [];
  private readonly localFunctions = new Set<string>();

  constructor(private readonly pb: ProtoSource) {}

  issue(i: OnnxIssue): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push(i);
  }

  async model(start: number, end: number): Promise<void> {
    for await (const f of this.pb.fields(start, end)) {
      switch (f.no) {
        case 1:
          this.info.irVersion = asNumber(f.varint);
          break;
        case 2:
          this.info.producerName = await this.pb.text(f, 256);
          break;
        case 3:
          this.info.producerVersion = await this.pb.text(f, 256);
          break;
        case 4:
          this.info.domain = await this.pb.text(f, 256);
          break;
        case 5:
          this.info.modelVersion = asNumber(f.varint);
          break;
        case 7:
          await this.graph(f, 0, 'graph');
          break;
        case 8:
          if (f.wire === WIRE.LEN) this.info.opsetImports.push(await this.opset(f));
          break;
        case 14:
          if (f.wire === WIRE.LEN) await this.prop(f);
          break;
        case 20:
          if (f.wire === WIRE.LEN)
            for await (const g of this.pb.fields(f.start, f.end))
              if (g.no === 1 || g.no === 2)
                await this.graph(g, 1, `training_info.${g.no === 1 ? 'initialization' : 'algorithm'}`);
          break;
        case 25:
          if (f.wire === WIRE.LEN) await this.func(f);
          break;
      }
    }
    this.judgeDomains();
  }

  private async opset(f: WireField): Promise<{ domain: string; version: number | undefined }> {
    let domain = '';
    let version: number | undefined;
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.no === 1 && g.wire === WIRE.LEN) domain = await this.pb.text(g, 256);
      if (g.no === 2) version = asNumber(g.varint);
    }
    return { domain, version };
  }

  private async prop(f: WireField): Promise<void> {
    let key = '';
    let value = '';
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.no === 1 && g.wire === WIRE.LEN) key = await this.pb.text(g, 256);
      if (g.no === 2 && g.wire === WIRE.LEN) value = await this.pb.text(g, 1024);
    }
    if (Object.keys(this.info.metadataProps).length < 64) this.info.metadataProps[key] = value;
  }

  async graph(f: WireField, depth: number, where: string): Promise<void> {
    if (f.wire !== WIRE.LEN) return;
    if (depth > MAX_DEPTH) {
      this.issue({
        rule: 'invalidStructure',
        message: `subgraphs nested deeper than ${MAX_DEPTH} at ${where}`,
        offset: f.start,
      });
      return;
    }
    let name = '';
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 2) name = await this.pb.text(g, 256);
      const here = `${where}${name ? `(${name})` : ''}`;
      if (g.no === 1) await this.node(g, depth, here);
      else if (g.no === 5) {
        this.info.initializerCount++;
        await this.tensor(g, `${here} initializer`);
      } else if (g.no === 15) await this.sparse(g, `${here} sparse_initializer`);
    }
  }

  private async sparse(f: WireField, where: string): Promise<void> {
    for await (const g of this.pb.fields(f.start, f.end))
      if ((g.no === 1 || g.no === 2) && g.wire === WIRE.LEN) await this.tensor(g, where);
  }

  private async node(f: WireField, depth: number, where: string): Promise<void> {
    this.info.nodeCount++;
    let op = '';
    let domain = '';
    let name = '';
    const attrs: WireField[] = [];
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 3) name = await this.pb.text(g, 256);
      else if (g.no === 4) op = await this.pb.text(g, 256);
      else if (g.no === 7) domain = await this.pb.text(g, 256);
      else if (g.no === 5) attrs.push(g);
    }
    const key = domain ? `${domain}::${op}` : op;
    if (this.info.opTypes.size < 2000 || this.info.opTypes.has(key))
      this.info.opTypes.set(key, (this.info.opTypes.get(key) ?? 0) + 1);
    const here = `${where} node ${JSON.stringify(name || op)}`;
    if (!KNOWN_DOMAINS.has(domain) && this.customNodes.length < MAX_CUSTOM_NODES)
      this.customNodes.push({ domain, op, where: here, offset: f.start });
    for (const a of attrs) await this.attribute(a, depth, here);
  }

  private async attribute(f: WireField, depth: number, where: string): Promise<void> {
    let name = '';
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 1) name = await this.pb.text(g, 256);
      const here = `${where} attribute ${JSON.stringify(name)}`;
      if (g.no === 5 || g.no === 10) await this.tensor(g, here);
      else if (g.no === 6 || g.no === 11) await this.graph(g, depth + 1, here);
      else if (g.no === 22 || g.no === 23) await this.sparse(g, here);
    }
  }

  private async func(f: WireField): Promise<void> {
    let name = '';
    let domain = '';
    const nodes: WireField[] = [];
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 1) name = await this.pb.text(g, 256);
      else if (g.no === 10) domain = await this.pb.text(g, 256);
      else if (g.no === 7) nodes.push(g);
    }
    this.localFunctions.add(`${domain}::${name}`);
    if (this.info.functions.length < 256) this.info.functions.push(domain ? `${domain}::${name}` : name);
    for (const n of nodes) await this.node(n, 1, `function ${JSON.stringify(name)}`);
  }

  async tensor(f: WireField, where: string): Promise<void> {
    const dims: bigint[] = [];
    let dtype = 0;
    let name = '';
    let rawLength: number | undefined;
    let dataLocation = 0;
    const external: Record<string, string> = {};
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.no === 1) dims.push(...(await this.pb.varints(g)).map(asInt64));
      else if (g.no === 2) dtype = asNumber(g.varint) ?? -1;
      else if (g.no === 8 && g.wire === WIRE.LEN) name = await this.pb.text(g, 256);
      else if (g.no === 9 && g.wire === WIRE.LEN) rawLength = g.end - g.start;
      else if (g.no === 14) dataLocation = asNumber(g.varint) ?? -1;
      else if (g.no === 13 && g.wire === WIRE.LEN) {
        let k = '';
        let v = '';
        for await (const e of this.pb.fields(g.start, g.end)) {
          if (e.no === 1 && e.wire === WIRE.LEN) k = await this.pb.text(e, 256);
          if (e.no === 2 && e.wire === WIRE.LEN) v = await this.pb.text(e, 4096);
        }
        external[k] = v;
      }
    }
    const label = `${where} tensor ${JSON.stringify(name)}`;
    if (dims.some((d) => d < 0n)) {
      this.issue({
        rule: 'invalidStructure',
        message: `${label} has a negative dimension`,
        offset: f.start,
        evidence: `dims=[${dims.join(',')}]`,
      });
      return;
    }
    const bits = ONNX_DTYPE_BITS[dtype];
    const declared = bits === undefined ? undefined : (dims.reduce((p, d) => p * d, 1n) * BigInt(bits) + 7n) / 8n;
    if (declared !== undefined && declared > MAX_TENSOR_BYTES)
      this.issue({
        rule: 'tensorSize',
        severity: 'high',
        message: `${label} declares ${declared} bytes (dims [${dims.join(', ')}]), beyond the ${MAX_TENSOR_BYTES}-byte cap`,
        offset: f.start,
        evidence: `dims=[${dims.join(',')}] data_type=${dtype}`,
      });
    else if (declared !== undefined && rawLength !== undefined && BigInt(rawLength) !== declared)
      this.issue({
        rule: 'tensorSize',
        message: `${label} raw_data holds ${rawLength} bytes but dims [${dims.join(', ')}] need ${declared}`,
        offset: f.start,
      });
    const location = external.location;
    if (dataLocation === 1 || location !== undefined) {
      if (location === undefined || location === '') {
        this.issue({
          rule: 'invalidStructure',
          message: `${label} stores data externally without a location`,
          offset: f.start,
        });
        return;
      }
      this.info.externalLocations.add(location.slice(0, 256));
      const why = locationEscape(location);
      if (why)
        this.issue({
          rule: 'externalDataPath',
          message: `${label} external data location ${why}`,
          offset: f.start,
          evidence: `location=${location}`,
        });
      const length = external.length === undefined ? undefined : Number(external.length);
      if (
        length !== undefined &&
        declared !== undefined &&
        Number.isFinite(length) &&
        BigInt(Math.trunc(length)) < declared
      )
        this.issue({
          rule: 'tensorSize',
          message: `${label} declares ${declared} bytes but its external length is ${length}`,
          offset: f.start,
        });
    }
  }

  private judgeDomains(): void {
    const seen = new Set<string>();
    for (const n of this.customNodes) {
      if (this.localFunctions.has(`${n.domain}::${n.op}`)) continue;
      const key = `${n.domain}::${n.op}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.issue({
        rule: 'customOpDomain',
        message: `${n.where} uses operator ${JSON.stringify(n.op)} from custom domain ${JSON.stringify(n.domain)}`,
        offset: n.offset,
        evidence: key,
      });
    }
  }
}
