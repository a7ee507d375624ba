import type { Finding } from '../../core/finding.js';
import { findingAt } from '../archive/finding-at.js';
import { analyzePickleSource } from '../pickle/analyze.js';
import { PICKLE_RULE_LIST } from '../pickle/rules.js';
import type { FormatScanner, ScanOutcome } from '../types.js';
import { PYTORCH_RULES } from './pytorch-rules.js';

const ID = 'pytorch/legacy';
/** torch.serialization.MAGIC_NUMBER = 0x1950a86a20f9469cfc6c, pickled as LONG1 with 10 bytes. */
const MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
/** magic number, protocol version, sys_info, the object, storage keys: what _legacy_load unpickles. */
const STREAMS = 5;

/** A legacy torch.save file opens with the pickled magic number (after an optional PROTO). */
export function looksLikeTorchLegacy(head: Uint8Array): boolean {
  const at = head[0] === 0x80 ? 2 : 0;
  return MAGIC.every((b, i) => head[at + i] === b);
}

/**
 * Legacy (pre-1.6) torch.save files: five pickles in a row, then raw storage bytes the loader
 * copies without unpickling. Exactly the five are analysed, streamed through the pickle window, so
 * a large checkpoint costs the size of its pickles and the tensor bytes are never mistaken for opcodes.
 */
export const pytorchLegacyScanner: FormatScanner = {
  id: ID,
  version: 2,
  description: 'PyTorch legacy serialization: the magic-number pickle sequence, storages skipped',
  rules: [...PICKLE_RULE_LIST, PYTORCH_RULES.legacyTrailing],
  sniff: ({ head }) => looksLikeTorchLegacy(head),
  async scan(src, ctx): Promise<ScanOutcome> {
    const a = await analyzePickleSource(src, {
      limits: ctx.limits,
      path: ctx.path,
      ...(ctx.member !== undefined ? { member: ctx.member } : {}),
      maxStreams: STREAMS,
      scanner: ID,
      signal: ctx.signal,
    });
    const findings: Finding[] = [...a.findings];
    const end = a.streams[a.streams.length - 1]?.end ?? 0;
    if (a.streams.length < STREAMS) {
      findings.push(
        findingAt(
          PYTORCH_RULES.legacyTrailing,
          ctx,
          ID,
          `only ${a.streams.length} of the ${STREAMS} pickles a legacy PyTorch file starts with could be read`,
          {
            ...(a.error ? { evidence: a.error.message } : {}),
          },
        ),
      );
    }
    return {
      findings,
      ...(a.error && a.streams.length < STREAMS ? { error: a.error } : {}),
      metadata: {
        layout: 'pytorch-legacy',
        pickleBytes: end,
        storageBytes: Math.max(0, src.size - end),
        globals: a.globals,
      },
    };
  },
};
