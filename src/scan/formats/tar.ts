import { SliceSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { findingAt, traversalName } from '../archive/finding-at.js';
import { ARCHIVE_RULES } from '../archive/rules.js';
import { looksLikeTar, readTar } from '../archive/tar-reader.js';
import type { FormatScanner, Member, ScanOutcome } from '../types.js';

const ID = 'tar';
/**
 * PyTorch's pre-1.0 tar layout: each of these members is read with pickle.load (storages and
 * tensors interleave small pickles with raw data), so all are handed on as pickle.
 */
const LEGACY_TORCH = ['sys_info', 'pickle', 'storages', 'tensors'];

export const tarScanner: FormatScanner = {
  id: ID,
  version: 1,
  description: 'tar archives (ustar, pax, GNU long names) and the legacy PyTorch tar layout',
  rules: [ARCHIVE_RULES.pathTraversal, ARCHIVE_RULES.link, ARCHIVE_RULES.trailing, ARCHIVE_RULES.tooMany],
  sniff: ({ head }) => looksLikeTar(head),
  scan: async (src, ctx): Promise<ScanOutcome> => {
    const list = await readTar(src, ctx.limits, ctx.signal);
    const findings: Finding[] = [];
    const members: Member[] = [];
    const files = list.entries.filter((e) => e.type === '0' || e.type === '7');
    const names = new Set(files.map((e) => e.name));
    const legacyTorch =
      names.has('pickle') && names.has('storages') && [...names].every((n) => LEGACY_TORCH.includes(n));
    for (const e of list.entries) {
      if (traversalName(e.name)) {
        findings.push(
          findingAt(ARCHIVE_RULES.pathTraversal, ctx, ID, `member name "${e.name}" escapes the extraction folder`, {
            entry: e.name,
            evidence: e.name,
          }),
        );
      }
      if (e.type === '1' || e.type === '2') {
        const kind = e.type === '2' ? 'symbolic' : 'hard';
        const bad = traversalName(e.linkName) ? ' outside the archive' : '';
        findings.push(
          findingAt(ARCHIVE_RULES.link, ctx, ID, `member "${e.name}" is a ${kind} link to "${e.linkName}"${bad}`, {
            entry: e.name,
            evidence: `${e.name} -> ${e.linkName}`,
            ...(bad ? { severity: 'high' as const } : {}),
          }),
        );
        continue;
      }
      if (e.type !== '0' && e.type !== '7') continue;
      members.push({
        name: e.name,
        source: new SliceSource(src, e.dataOffset, e.size),
        ...(legacyTorch ? { format: 'pickle' } : {}),
      });
    }
    if (list.capped) {
      findings.push(
        findingAt(
          ARCHIVE_RULES.tooMany,
          ctx,
          ID,
          `archive holds more than ${ctx.limits.maxMembers} members; the rest were not read`,
        ),
      );
    }
    if (list.trailing > 0) {
      findings.push(
        findingAt(ARCHIVE_RULES.trailing, ctx, ID, `${list.trailing} bytes follow the end-of-archive marker`),
      );
    }
    return {
      findings,
      members,
      ...(list.error ? { error: list.error } : {}),
      metadata: { entries: list.entries.length, ...(legacyTorch ? { layout: 'pytorch-legacy-tar' } : {}) },
    };
  },
};
