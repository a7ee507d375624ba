import type { ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { startsWith, u16 } from '../archive/bytes.js';
import { findingAt } from '../archive/finding-at.js';
import { ARCHIVE_RULES, ZIP_RULES } from '../archive/rules.js';
import type { ZipEntry } from '../archive/zip-reader.js';
import { type LayoutProbe, scanZip, type ZipLayout } from '../archive/zip-scan.js';
import type { FormatScanner } from '../types.js';
import { PYTORCH_RULES } from './pytorch-rules.js';
import { scanTorchScriptCode } from './torchscript.js';

const ID = 'pytorch/zip';

/**
 * Members a `torch.save` (≥1.6) or `torch.jit.save` archive holds under its `<prefix>/` folder.
 * `data/<n>` are raw tensor storages; everything else is small.
 */
const KNOWN = [
  /^data\.pkl$/,
  /^version$/,
  /^byteorder$/,
  /^data\/\d+$/,
  /^\.data\/.+$/,
  /^\.format_version$/,
  /^\.storage_alignment$/,
  /^constants\.pkl$/,
  /^code\/.+$/,
  /^extra\/.+$/,
];
const STORAGE = /^data\/\d+$/;
const EXPECTED_TEXT: Record<string, RegExp> = {
  version: /^\d{1,4}$/,
  '.data/version': /^\d{1,4}$/,
  byteorder: /^(little|big)$/,
  '.data/serialization_id': /^\d{1,40}$/,
};
/** Pickles a loader unpickles: data.pkl, constants.pkl, TorchScript debug info. */
const PICKLE_NAME = /\.(pkl|debug_pkl)$/;
const FIRST_NAME = /^[^/]+\/(data\.pkl|data\/\d+|version|byteorder|constants\.pkl|code\/|extra\/|\.data\/)/;

/**
 * PyTorch's reader takes the archive folder from the first central-directory entry and loads
 * `<folder>/data.pkl`; the layout is recognised the same way, so what Warden calls the model's
 * pickle is what torch.load unpickles.
 */
export const probePytorchZip: LayoutProbe = async (src, dir, ctx) => {
  const first = dir.entries.find((e) => !e.hidden);
  const slash = first?.name.indexOf('/') ?? -1;
  if (!first || slash <= 0) return undefined;
  const prefix = first.name.slice(0, slash);
  const inner = (e: ZipEntry) => (e.name.startsWith(`${prefix}/`) ? e.name.slice(prefix.length + 1) : undefined);
  const names = new Set(dir.entries.map(inner));
  if (!names.has('data.pkl') || !(names.has('version') || [...names].some((n) => n && STORAGE.test(n)))) {
    return undefined;
  }
  const torchscript = names.has('constants.pkl') || [...names].some((n) => n?.startsWith('code/'));
  const findings: Finding[] = [];
  let storages = 0;
  let storageBytes = 0;
  const small: Record<string, string> = {};
  const texts = new Map<ZipEntry, string>();
  for (const e of dir.entries) {
    const n = inner(e);
    if (n !== undefined && STORAGE.test(n) && !e.hidden) {
      storages++;
      storageBytes += e.uncompressedSize;
    } else if (n === undefined || !KNOWN.some((k) => k.test(n))) {
      findings.push(
        findingAt(
          PYTORCH_RULES.unexpectedMember,
          ctx,
          ID,
          `member "${e.name}" is not part of the torch.save layout; it was scanned as well`,
          {
            entry: e.name,
          },
        ),
      );
    }
    if (n !== undefined && n in EXPECTED_TEXT && !e.hidden) {
      const text = await readSmall(src, e);
      texts.set(e, text);
      small[n] ??= text;
    }
  }
  if (torchscript) {
    findings.push(
      findingAt(
        PYTORCH_RULES.torchscript,
        ctx,
        ID,
        'TorchScript archive: torch.jit.load runs its compiled code, and torch.load before 2.6 hands it to the TorchScript loader even with weights_only=True',
      ),
    );
    findings.push(...(await scanTorchScriptCode(src, dir, prefix, ctx)));
  }
  const layout: ZipLayout = {
    // Storages are raw little/big-endian tensor bytes the loader copies, never parses: skipping
    // them is what lets a multi-gigabyte checkpoint be judged from its kilobytes of pickle.
    decide: (e) => {
      const n = inner(e);
      if (n !== undefined && STORAGE.test(n) && !e.hidden) return { skip: true };
      // Small text records already read into the metadata; handed on only if they hold anything else.
      if (n !== undefined && !e.hidden && n in EXPECTED_TEXT && EXPECTED_TEXT[n]?.test(texts.get(e) ?? ''))
        return { skip: true };
      if (PICKLE_NAME.test(e.name)) return { format: 'pickle' };
      return {};
    },
    findings,
    metadata: {
      layout: torchscript ? 'torchscript' : 'pytorch-zip',
      prefix,
      storageCount: storages,
      storageBytes,
      ...(small.version ? { serializationVersion: small.version } : {}),
      ...(small.byteorder ? { byteorder: small.byteorder } : {}),
      ...(small['.data/serialization_id'] ? { serializationId: small['.data/serialization_id'] } : {}),
    },
  };
  return layout;
};

async function readSmall(src: ByteSource, e: ZipEntry): Promise<string> {
  if (e.method !== 0 || e.dataOffset === undefined) return '';
  if (e.dataLength > 64) return '';
  const b = await src.read(e.dataOffset, e.dataLength);
  return new TextDecoder('utf-8', { fatal: false }).decode(b).trim();
}

/** Whether the zip's first local header names a member of the PyTorch layout. */
export function looksLikePytorchZip(head: Uint8Array): boolean {
  if (!startsWith(head, [0x50, 0x4b, 3, 4])) return false;
  const len = u16(head, 26);
  const name = new TextDecoder('latin1').decode(head.subarray(30, 30 + len));
  return FIRST_NAME.test(name);
}

export const pytorchZipScanner: FormatScanner = {
  id: ID,
  version: 1,
  description: 'PyTorch torch.save (≥1.6) and TorchScript zip archives: every pickle member, storages skipped',
  rules: [...Object.values(PYTORCH_RULES), ...Object.values(ZIP_RULES), ...Object.values(ARCHIVE_RULES)],
  sniff: ({ head }) => looksLikePytorchZip(head),
  scan: (src, ctx) => scanZip(src, ctx, ID, [probePytorchZip]),
};
