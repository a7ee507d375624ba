import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

const NPY_DOCS = ref.url('https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html', 'npy-format');

export const NUMPY_RULES = {
  objectArray: {
    id: 'numpy/object-array',
    title: 'NumPy array holds pickled Python objects',
    severity: 'low',
    description:
      'The .npy array has an object dtype: its data is a pickle, loaded only with `allow_pickle=True`. The pickle is analysed and anything dangerous in it is reported by the pickle rules.',
    remediation: 'Prefer numeric dtypes; load object arrays only from trusted sources.',
    references: [...DESERIALIZATION_REFS, NPY_DOCS],
  },
  malformed: {
    id: 'numpy/malformed',
    title: 'NumPy file header is malformed or disagrees with the file size',
    severity: 'medium',
    description:
      'The .npy header cannot be parsed, or the array it declares does not match the bytes in the file (truncated data, or bytes after the array that np.load never reads).',
    remediation: 'Obtain a fresh copy of the file; reject arrays whose declared size does not match.',
    references: [ref.cwe(20), ref.cwe(400), NPY_DOCS],
  },
} as const satisfies Record<string, Rule>;

export const NUMPY_RULE_LIST: readonly Rule[] = Object.values(NUMPY_RULES);
