import type { ByteSource } from '../../core/byte-source.js';
import { SliceSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { findingAt } from '../archive/finding-at.js';
import { inflateRawCapped } from '../archive/inflate.js';
import type { ZipDirectory } from '../archive/zip-reader.js';
import type { ScanContext } from '../types.js';
import { PYTORCH_RULES } from './pytorch-rules.js';

const CODE_CAP = 1 << 20;

/**
 * Operator calls a model's forward pass has no need for. TorchScript cannot import Python
 * modules, so these are the ways its code reaches the host: reading files into tensors, and
 * operators from namespaces only a separately loaded native library provides.
 */
const SUSPICIOUS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /\bfrom_file\s*\(/, why: 'reads a host file into a tensor' },
  {
    pattern: /\bops\.(?!aten\b|prim\b|quantized\b|prepacked\b|_caffe2\b|profiler\b)([A-Za-z_]\w{0,63})\./,
    why: 'calls an operator from a custom native namespace',
  },
];

/** Scans the `code/` members of a TorchScript archive for operator calls outside the tensor world. */
export async function scanTorchScriptCode(
  src: ByteSource,
  dir: ZipDirectory,
  prefix: string,
  ctx: ScanContext,
): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const e of dir.entries) {
    if (!e.name.startsWith(`${prefix}/code/`) || !e.name.endsWith('.py') || e.dataOffset === undefined) continue;
    let bytes: Uint8Array;
    if (e.method === 0) bytes = await new SliceSource(src, e.dataOffset, e.dataLength).read(0, CODE_CAP);
    else if (e.method === 8) {
      bytes = (
        await inflateRawCapped(src, e.dataOffset, e.dataLength, { maxBytes: CODE_CAP, maxRatio: 1e9 }, ctx.signal)
      ).data;
    } else continue;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    for (const s of SUSPICIOUS) {
      const m = s.pattern.exec(text);
      if (!m) continue;
      const line = text.slice(0, m.index).split('\n').length;
      const lineText = text.split('\n')[line - 1] ?? m[0];
      out.push(
        findingAt(PYTORCH_RULES.torchscriptCode, ctx, 'pytorch/zip', `TorchScript code ${s.why} (line ${line})`, {
          entry: e.name,
          evidence: lineText.trim(),
        }),
      );
    }
  }
  return out;
}
