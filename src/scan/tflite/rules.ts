import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

const FORMAT_REFS = [ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023'), ref.owaspLlm('LLM03:2025')] as const;

export const TFLITE_RULES = {
  flexOp: {
    id: 'tflite/flex-op',
    title: 'TFLite model runs TensorFlow ops through the Flex delegate',
    severity: 'medium',
    description:
      'A custom op named `Flex<Op>` runs the full TensorFlow kernel of that op inside the TFLite interpreter. Flex ops ' +
      'that read or write files, run Python or reach the network (`FlexReadFile`, `FlexWriteFile`, `FlexPyFunc` …) are ' +
      'high; other Flex ops are medium because they pull the whole TensorFlow runtime into the app.',
    remediation:
      'Do not run the model with the Flex delegate unless you trust its author; convert with builtin ops only.',
    references: [...DESERIALIZATION_REFS, ref.cwe(73)],
  },
  customOp: {
    id: 'tflite/custom-op',
    title: 'TFLite model needs a custom op',
    severity: 'medium',
    description:
      'The model uses a custom operator that is not part of TFLite. Running it needs a native kernel supplied by ' +
      'someone else, registered by the app.',
    remediation: 'Find and review the kernel library that implements the op before registering it.',
    references: [...FORMAT_REFS, ref.cwe(829)],
  },
  bufferOutOfBounds: {
    id: 'tflite/buffer-out-of-bounds',
    title: 'TFLite buffer points outside the file',
    severity: 'high',
    description:
      'A buffer’s `offset`/`size` (used for models over 2 GB) runs past the end of the file. Interpreters that map ' +
      'buffers without checking read out of bounds.',
    remediation: 'Do not load the file; re-convert the model.',
    references: [...FORMAT_REFS, ref.cwe(125)],
  },
  invalidStructure: {
    id: 'tflite/invalid-structure',
    title: 'TFLite flatbuffer is malformed',
    severity: 'medium',
    description:
      'An offset leaves the file, a vector is longer than the cap, or an operator/tensor refers to an opcode/buffer ' +
      'index that does not exist. Unverified flatbuffer readers crash or read out of bounds on such files.',
    remediation: 'Re-convert the model with the TFLite converter.',
    references: [...FORMAT_REFS, ref.cwe(20), ref.cwe(125)],
  },
} as const satisfies Record<string, Rule>;

export const TFLITE_RULE_LIST: readonly Rule[] = Object.values(TFLITE_RULES);
