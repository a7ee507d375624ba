import type { Reference } from '../../core/finding.js';
import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

const SUPPLY: readonly Reference[] = [ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023'), ref.owaspLlm('LLM03:2025')];

export const PYTORCH_RULES = {
  unexpectedMember: {
    id: 'pytorch/unexpected-member',
    title: 'Member outside the PyTorch archive layout',
    severity: 'low',
    description:
      'A PyTorch zip holds a member that torch.save never writes (outside `<prefix>/`, or not data.pkl, version, byteorder, data/<n>, .data/…, code/, constants.pkl, extra/). torch.load ignores it, but other tools may load it, and payloads are parked there (an extra member holding a pickle). Warden scans it like any member.',
    remediation: 'Find out what wrote the member; re-save the model with torch.save from a trusted environment.',
    references: SUPPLY,
  },
  torchscript: {
    id: 'pytorch/torchscript',
    title: 'TorchScript archive',
    severity: 'low',
    description:
      'The archive is a TorchScript module (code/, constants.pkl). torch.jit.load compiles and runs its code; torch.load before 2.6 hands such archives to the TorchScript loader even with weights_only=True (CVE-2025-32434). Its pickles and code were scanned.',
    remediation: 'Load TorchScript only from trusted sources, with PyTorch ≥ 2.6; prefer safetensors for weights.',
    references: [...SUPPLY, ref.cve('CVE-2025-32434')],
  },
  torchscriptCode: {
    id: 'pytorch/torchscript-suspicious-code',
    title: 'TorchScript code reaches outside the tensor world',
    severity: 'medium',
    description:
      'TorchScript code cannot import Python modules, but it can call any registered operator. The code calls an operator that reads host files into tensors (from_file) or one from a custom namespace whose native library the host must load: a model does not need either to compute.',
    remediation:
      'Review the code/ member named in the finding; do not load the module until you know why it needs that operator.',
    references: [...SUPPLY, ref.cwe(94)],
  },
  legacyTrailing: {
    id: 'pytorch/legacy-malformed',
    title: 'Malformed legacy PyTorch file',
    severity: 'medium',
    description:
      'A legacy (pre-1.6) PyTorch file does not follow the magic-number, protocol, sys_info, model, storage-keys pickle sequence. The loader stops or behaves differently; payloads hide in such gaps.',
    remediation: 'Re-save the model with a current torch.save from a trusted environment.',
    references: DESERIALIZATION_REFS,
  },
} as const satisfies Record<string, Rule>;
