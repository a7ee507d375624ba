import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

export const TF_RULES = {
  dangerousOp: {
    id: 'tf/dangerous-op',
    title: 'TensorFlow graph runs Python, touches files or reaches the network',
    severity: 'high',
    description:
      'A node in the graph or in a library function uses an op that runs Python (`PyFunc`, `EagerPyFunc`), reads or ' +
      'writes files (`ReadFile`, `WriteFile`, `MatchingFiles`, dataset and summary writers), or talks to other hosts. ' +
      'Such ops run when the model is served or called: a SavedModel is a program.',
    remediation:
      'Do not serve the model. Ask its author why inference needs the op; rebuild the model from code you control.',
    references: [...DESERIALIZATION_REFS, ref.cwe(73), ref.cwe(94)],
  },
  urlAttribute: {
    id: 'tf/url-attribute',
    title: 'TensorFlow op sends data to a file or URL',
    severity: 'high',
    description:
      '`PrintV2` with a `file://` output stream or a `Debug*` op with `debug_urls` writes tensors to files or remote ' +
      'endpoints whenever the graph runs: a data-exfiltration or file-write channel.',
    remediation: 'Remove the op or its destination; re-export the model.',
    references: [...DESERIALIZATION_REFS, ref.cwe(200), ref.cwe(73)],
  },
  checkpointPath: {
    id: 'tf/checkpoint-path',
    title: 'TensorFlow checkpoint op uses a fixed path outside the model',
    severity: 'high',
    description:
      'A save/restore op’s path input is a constant that is absolute or contains `..`. Checkpoint ops normally take ' +
      'their path from the loader; a baked-in path reads or overwrites arbitrary files when the op runs.',
    remediation: 'Do not load the model; re-export it with the standard saver.',
    references: [...DESERIALIZATION_REFS, ref.cwe(22)],
  },
  assetPath: {
    id: 'tf/asset-path',
    title: 'SavedModel asset file escapes the assets folder',
    severity: 'high',
    description:
      'An `asset_file_def` filename is absolute or contains `..`. TensorFlow joins it to `assets/` when loading, so the ' +
      'model reads a file of the attacker’s choosing (e.g. as a vocabulary).',
    remediation: 'Do not load the model; asset names must be plain file names inside `assets/`.',
    references: [...DESERIALIZATION_REFS, ref.cwe(22)],
  },
  invalidStructure: {
    id: 'tf/invalid-structure',
    title: 'TensorFlow protobuf is malformed',
    severity: 'medium',
    description: 'The SavedModel/GraphDef could not be decoded completely; part of the graph was not inspected.',
    remediation: 'Re-export the model; inspect it with `saved_model_cli show --all` in an isolated environment.',
    references: [ref.atlas('AML.T0010.003'), ref.owaspMl('ML06:2023'), ref.cwe(20)],
  },
} as const satisfies Record<string, Rule>;

export const TF_RULE_LIST: readonly Rule[] = Object.values(TF_RULES);
