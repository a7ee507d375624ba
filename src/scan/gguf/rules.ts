import { type Rule, ref } from '../../core/rule.js';

const FORMAT_REFS = [ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023'), ref.owaspLlm('LLM03:2025')] as const;

export const GGUF_RULES = {
  sizeOutOfBounds: {
    id: 'gguf/size-out-of-bounds',
    title: 'GGUF declares counts or lengths the file cannot hold',
    severity: 'high',
    description:
      'A tensor count, key/value count, string length, array length or tensor shape is larger than the rest of the file ' +
      'could hold, or overflows 64 bits. This is the shape of the GGUF loader memory-corruption bugs in llama.cpp ' +
      '(integer overflows leading to undersized allocations and heap overflows) and of resource-exhaustion attacks.',
    remediation:
      'Do not load the file. Update llama.cpp/ggml-based runtimes; re-download the model from its publisher.',
    references: [
      ...FORMAT_REFS,
      ref.owaspLlm('LLM10:2025'),
      ref.cwe(190),
      ref.cwe(789),
      ref.cve('CVE-2024-21802'),
      ref.cve('CVE-2025-53630'),
      ref.cve('CVE-2026-27940'),
    ],
  },
  tensorOutOfBounds: {
    id: 'gguf/tensor-out-of-bounds',
    title: 'GGUF tensor data lies outside the file',
    severity: 'high',
    description:
      'A tensor’s offset plus its size (from its shape and ggml type) runs past the end of the file. Loaders that map ' +
      'tensors without checking read memory beyond the file (out-of-bounds read, memory disclosure).',
    remediation: 'Do not load the file; it is truncated or crafted. Re-download from the publisher.',
    references: [...FORMAT_REFS, ref.cwe(125)],
  },
  invalidStructure: {
    id: 'gguf/invalid-structure',
    title: 'GGUF metadata is malformed',
    severity: 'medium',
    description:
      'Duplicate keys or tensor names, an unknown value or tensor type, a bad alignment, misaligned or overlapping ' +
      'tensors, over-long tensor names or arrays nested deeper than any writer produces. Loaders disagree on such ' +
      'files or refuse them.',
    remediation: 'Re-create the file with the gguf library / llama.cpp conversion scripts.',
    references: [...FORMAT_REFS, ref.cwe(20)],
  },
  unsupportedVersion: {
    id: 'gguf/unsupported-version',
    title: 'GGUF version not supported',
    severity: 'medium',
    description: 'The header names a GGUF version other than 1, 2 or 3; the file was not parsed further.',
    remediation: 'Check the file’s origin; update Warden if a new GGUF version has been published.',
    references: FORMAT_REFS,
  },
} as const satisfies Record<string, Rule>;

export const GGUF_RULE_LIST: readonly Rule[] = Object.values(GGUF_RULES);
