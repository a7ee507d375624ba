import { type Rule, ref } from '../../core/rule.js';

const FORMAT_REFS = [
  ref.atlas('AML.T0010.003'), // ML Supply Chain Compromise: Model
  ref.owaspMl('ML06:2023'),
  ref.owaspLlm('LLM03:2025'),
] as const;

export const SAFETENSORS_RULES = {
  headerOutOfBounds: {
    id: 'safetensors/header-out-of-bounds',
    title: 'safetensors header length points beyond the file',
    severity: 'high',
    description:
      'The 8-byte header length declares more bytes than the file holds. Loaders that allocate or read the declared length ' +
      'before checking it can be driven to exhaust memory (a resource-exhaustion attack on loaders and scanners).',
    remediation:
      'Do not load the file; the safetensors reference loader rejects it. Re-download from a trusted source.',
    references: [...FORMAT_REFS, ref.owaspLlm('LLM10:2025'), ref.cwe(789), ref.cwe(130)],
  },
  headerTooLarge: {
    id: 'safetensors/header-too-large',
    title: 'safetensors header larger than the cap',
    severity: 'medium',
    description:
      'The JSON header is larger than the configured cap (100 MB by default, the same cap as the reference loader). ' +
      'It was not parsed, so the tensors were not checked.',
    remediation: 'Inspect the file by hand or raise `maxHeaderBytes` if the model really has that many tensors.',
    references: [...FORMAT_REFS, ref.owaspLlm('LLM10:2025'), ref.cwe(400)],
  },
  invalidHeader: {
    id: 'safetensors/invalid-header',
    title: 'safetensors header is malformed',
    severity: 'medium',
    description:
      'The header is not a UTF-8 JSON object of tensor entries: bad JSON, duplicate keys, a malformed entry, or ' +
      '`__metadata__` that is not a string-to-string map. Different loaders disagree on such files (a parser ' +
      'differential), so what one tool checked is not what another loads.',
    remediation: 'Re-create the file with the safetensors library; do not trust tools that accept it.',
    references: [...FORMAT_REFS, ref.cwe(20), ref.cwe(436)],
  },
  tensorOutOfBounds: {
    id: 'safetensors/tensor-out-of-bounds',
    title: 'safetensors tensor offsets point outside the data',
    severity: 'high',
    description:
      'A tensor’s `data_offsets` end beyond the data section, or are reversed. Loaders that trust offsets read ' +
      'out of bounds (memory disclosure or a crash).',
    remediation: 'Do not load the file with custom loaders; re-create it with the safetensors library.',
    references: [...FORMAT_REFS, ref.cwe(125), ref.cwe(787)],
  },
  tensorLayout: {
    id: 'safetensors/tensor-layout',
    title: 'safetensors tensor layout is inconsistent',
    severity: 'medium',
    description:
      'Tensors overlap, leave gaps, do not start at offset 0 or do not end at the end of the data, or a tensor’s byte ' +
      'size does not match its shape and dtype, or the dtype is unknown. Overlaps alias two tensors; gaps and trailing ' +
      'bytes can hide a second payload (a polyglot file).',
    remediation: 'Re-create the file with the safetensors library; inspect any trailing bytes.',
    references: [...FORMAT_REFS, ref.cwe(20)],
  },
} as const satisfies Record<string, Rule>;

export const SAFETENSORS_RULE_LIST: readonly Rule[] = Object.values(SAFETENSORS_RULES);
