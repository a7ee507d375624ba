import { type Rule, ref } from '../../core/rule.js';

const FORMAT_REFS = [ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023'), ref.owaspLlm('LLM03:2025')] as const;

export const ONNX_RULES = {
  externalDataPath: {
    id: 'onnx/external-data-path',
    title: 'ONNX external data points outside the model folder',
    severity: 'high',
    description:
      'A tensor stores its data in an external file whose `location` is absolute, contains `..`, or leaves the model ' +
      'folder after normalisation. Loading the model reads (and with some tools copies or overwrites) arbitrary files ' +
      'on the host.',
    remediation:
      'Do not load the model. Upgrade onnx to 1.16 or later (which refuses such paths) and keep external data files next to the model.',
    references: [
      ref.atlas('AML.T0010.003'),
      ref.atlas('AML.T0011.000'),
      ref.owaspMl('ML06:2023'),
      ref.owaspLlm('LLM03:2025'),
      ref.cwe(22),
      ref.cve('CVE-2022-25882'),
      ref.cve('CVE-2024-27318'),
    ],
  },
  customOpDomain: {
    id: 'onnx/custom-op-domain',
    title: 'ONNX graph uses operators from a custom domain',
    severity: 'medium',
    description:
      'A node’s domain is not one of the standard ONNX domains or a well-known runtime’s. Running the model needs a ' +
      'custom operator library, which is native or Python code shipped by someone else.',
    remediation: 'Find out which library implements the domain and review it before registering it with the runtime.',
    references: [...FORMAT_REFS, ref.cwe(829)],
  },
  tensorSize: {
    id: 'onnx/tensor-size',
    title: 'ONNX tensor size is inconsistent or oversize',
    severity: 'medium',
    description:
      'A tensor’s declared shape and type do not match its stored bytes or external length (medium), or declare more ' +
      'data than any real model holds or overflow 64 bits (high: loaders allocate from the declared shape).',
    remediation: 'Re-export the model; do not load files whose tensors lie about their size.',
    references: [...FORMAT_REFS, ref.owaspLlm('LLM10:2025'), ref.cwe(789), ref.cwe(190)],
  },
  invalidStructure: {
    id: 'onnx/invalid-structure',
    title: 'ONNX model is malformed',
    severity: 'medium',
    description:
      'Negative dimensions, external data without a location, or subgraphs nested deeper than the cap. Such files are ' +
      'rejected or misread by loaders.',
    remediation: 'Re-export the model with the onnx library and run `onnx.checker.check_model`.',
    references: [...FORMAT_REFS, ref.cwe(20)],
  },
} as const satisfies Record<string, Rule>;

export const ONNX_RULE_LIST: readonly Rule[] = Object.values(ONNX_RULES);
