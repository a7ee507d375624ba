import type { Reference } from '../../core/finding.js';
import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

// Zip-structure differentials are interpretation conflicts (CWE-436) used to smuggle a model
// payload past scanners: they map to the same supply-chain techniques as the payload itself.
const DIFFERENTIAL: readonly Reference[] = [
  ref.atlas('AML.T0010.003'),
  ref.atlas('AML.T0011.000'),
  ref.owaspMl('ML06:2023'),
  ref.owaspLlm('LLM03:2025'),
  ref.cwe(436),
];
const BOMB: readonly Reference[] = [ref.cwe(409), ref.owaspLlm('LLM10:2025'), ref.atlas('AML.T0029')];

const rule = (
  id: string,
  severity: Rule['severity'],
  title: string,
  description: string,
  remediation: string,
  references: readonly Reference[],
): Rule => ({ id, severity, title, description, remediation, references });

const REPACK =
  'Do not load the file. Re-create the archive with a standard writer (torch.save, zipfile) from a trusted source.';

export const ZIP_RULES = {
  nameMismatch: rule(
    'zip/name-mismatch',
    'high',
    'Zip local header and central directory name different files',
    'The local file header names a member differently from its central-directory record. Scanners that go by one view and loaders that go by the other see different files: the picklescan bypass CVE-2025-1944.',
    REPACK,
    [...DIFFERENTIAL, ref.cve('CVE-2025-1944')],
  ),
  headerMismatch: rule(
    'zip/header-mismatch',
    'medium',
    'Zip local header and central directory disagree',
    'The local header and the central directory give a member different compression methods, sizes, CRCs or encryption flags, so readers extract different bytes.',
    REPACK,
    DIFFERENTIAL,
  ),
  hiddenEntry: rule(
    'zip/hidden-entry',
    'high',
    'Zip member missing from the central directory',
    'A local file header sits between listed members but has no central-directory record. Directory-based scanners never see it; streaming readers and extractors do. Warden scans it anyway.',
    REPACK,
    DIFFERENTIAL,
  ),
  overlap: rule(
    'zip/overlapping-entries',
    'high',
    'Zip members overlap',
    'Two members share bytes. This is how non-recursive zip bombs reach huge ratios, and it lets one byte range be two different files.',
    'Reject the archive. No legitimate writer produces overlapping members.',
    [...BOMB, ref.cwe(436)],
  ),
  prepended: rule(
    'zip/prepended-data',
    'medium',
    'Data before the first zip member',
    'Bytes precede the archive (a polyglot or self-extractor stub). Some loaders read the file from the start, others from the central directory, and they see different formats.',
    'Strip the prefix or re-create the archive; find out why it is there.',
    DIFFERENTIAL,
  ),
  trailing: rule(
    'zip/trailing-data',
    'medium',
    'Data outside every zip member',
    'Bytes after the end-of-central-directory record, or between members, belong to no entry. Payloads are hidden there for readers that scan for signatures.',
    'Re-create the archive with a standard writer.',
    DIFFERENTIAL,
  ),
  multipleEocd: rule(
    'zip/multiple-eocd',
    'medium',
    'Several end-of-central-directory records',
    'More than one end record: readers that search the tail differently pick different central directories and so different member lists.',
    REPACK,
    DIFFERENTIAL,
  ),
  duplicateName: rule(
    'zip/duplicate-name',
    'high',
    'Two zip members with the same name',
    'The central directory lists the same name twice. Python takes the last, other readers the first: a scanner and a loader can read different files under one name. Warden scans both.',
    REPACK,
    DIFFERENTIAL,
  ),
  encryptionFlag: rule(
    'zip/encryption-flag',
    'high',
    'Zip encryption flag on unencrypted data',
    'The member is flagged as encrypted, so strict readers (Python zipfile, picklescan) refuse it, yet its bytes are plain: PyTorch ignores the flag and loads it. The picklescan bypass CVE-2025-1945. Warden reads it anyway.',
    REPACK,
    [...DIFFERENTIAL, ref.cve('CVE-2025-1945')],
  ),
  encrypted: rule(
    'zip/encrypted-member',
    'medium',
    'Encrypted zip member cannot be scanned',
    'The member is really encrypted: its content cannot be checked. Model loaders cannot read it either, so it is either junk or meant for another tool.',
    'Obtain the unencrypted artefact from its publisher and scan that.',
    DIFFERENTIAL,
  ),
  unsupportedMethod: rule(
    'zip/unsupported-method',
    'medium',
    'Zip member compressed with a method Warden does not decode',
    'The member uses a compression method other than stored, deflate, bzip2, LZMA or xz (for example zstd, PPMd or Deflate64), so its content is not scanned. Model loaders (PyTorch, NumPy) only read stored and deflate members.',
    'Re-create the archive with stored or deflate members and scan it again.',
    DIFFERENTIAL,
  ),
  malformedEntry: rule(
    'zip/malformed-entry',
    'low',
    'Zip member cannot be located',
    'A central-directory record points at no local header or declares data past the end of the file. The archive is damaged or crafted to confuse readers.',
    REPACK,
    DIFFERENTIAL,
  ),
} as const satisfies Record<string, Rule>;

export const ARCHIVE_RULES = {
  pathTraversal: rule(
    'archive/path-traversal',
    'high',
    'Archive member path escapes the extraction folder',
    'A member name is absolute or contains `..`: extracting the archive writes outside the target folder (Zip Slip).',
    'Do not extract the archive; if you must, use an extractor that rejects such names.',
    [ref.cwe(22), ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023'), ref.owaspLlm('LLM03:2025')],
  ),
  link: rule(
    'archive/link-member',
    'medium',
    'Archive member is a symbolic or hard link',
    'Links in model archives let an extractor write through them or a loader read files outside the archive.',
    'Extract with link creation disabled, or reject the archive.',
    [ref.cwe(59), ref.owaspMl('ML06:2023')],
  ),
  bomb: rule(
    'archive/decompression-bomb',
    'high',
    'Decompression bomb',
    'A member expands far beyond the compression ratio real model files reach; decompression stopped at the cap. Its remaining content is not scanned.',
    'Reject the file. Raise the caps only for a file you trust.',
    BOMB,
  ),
  limit: rule(
    'archive/decompression-limit',
    'medium',
    'Decompressed size cap reached',
    'A member decompresses to more than the configured cap (maxDecompressedBytes); only the first part was scanned.',
    'Scan with a higher cap if the file is expected to be that large.',
    BOMB,
  ),
  corrupt: rule(
    'archive/corrupt-stream',
    'low',
    'Compressed stream is corrupt or truncated',
    'Decompression failed part-way. Loaders that read in chunks act on everything before the damage, so the decoded part was scanned; a payload followed by garbage is a known trick.',
    'Re-download the file and compare its digest with the publisher’s.',
    DIFFERENTIAL,
  ),
  trailing: rule(
    'archive/trailing-data',
    'medium',
    'Data after the end of a compressed stream or tar archive',
    'Bytes follow the end of the stream. Decoders differ on whether they are ignored, decoded as another member, or an error.',
    'Find out why the bytes are there; re-create the file from its source.',
    DIFFERENTIAL,
  ),
  undecodable: rule(
    'archive/undecodable-member',
    'medium',
    'Container member Warden cannot decode',
    'The member uses a codec Warden does not decode (for example PPMd, bzip2 or a BCJ filter chain in 7z), so its content is not scanned.',
    'Unpack the member with a trusted tool in a sandbox and scan the result.',
    DIFFERENTIAL,
  ),
  unexpectedContainer: rule(
    'archive/unexpected-container',
    'high',
    'Model packed in a container its loader does not read',
    'A model file is a 7z archive: no model loader opens it directly, and scanners that only understand zip and pickle see nothing inside, the nullifAI technique. The members are listed (and scanned when Warden can decode them).',
    'Do not load the file. Obtain the model in its framework’s own format.',
    [
      ...DESERIALIZATION_REFS,
      ref.url('https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face', 'nullifAI'),
    ],
  ),
  tooMany: rule(
    'archive/too-many-members',
    'medium',
    'Archive member cap reached',
    'The archive declares more members than maxMembers; the rest were not read.',
    'Scan with a higher member cap if the archive is expected to be that large.',
    BOMB,
  ),
} as const satisfies Record<string, Rule>;
