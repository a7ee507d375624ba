/**
 * A model folder as a Hub repo plus a training project would hold it, written to a temp dir:
 * a model card with front matter (license, datasets, base model, model-index metrics) and prose
 * sections, transformers configs, a safetensors and a GGUF built by the test builders, a pickle
 * with an os.system payload, a data file, and every manifest kind the BOM reads.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
// @ts-expect-error: ajv-formats-draft2019 ships no types
import addFormats2019Module from 'ajv-formats-draft2019';
import { OS_SYSTEM_PICKLE } from '../../archive/context.js';
import { ggufBytes, str } from '../../builders/gguf.js';
import { matmulModel } from '../../builders/onnx.js';
import { contiguousF32, safetensorsBytes } from '../../builders/safetensors.js';

export const MODEL_CARD = `---
license: apache-2.0
language:
  - en
tags:
  - sentiment
datasets:
  - stanfordnlp/imdb
  - acme/reviews-2024
base_model: google-bert/bert-base-uncased
pipeline_tag: text-classification
library_name: transformers
model-index:
  - name: acme-sentiment
    results:
      - task:
          type: text-classification
        dataset:
          name: IMDB
          type: stanfordnlp/imdb
          split: test
        metrics:
          - type: accuracy
            value: 0.931
          - type: f1
            value: 0.928
---
# acme-sentiment

## Intended uses
Classifying the sentiment of English product reviews.

## Out-of-scope use
[More Information Needed]

## Limitations
Trained on movie and product reviews only; sarcasm is often misread.

## Bias, Risks, and Limitations
<!-- template comment -->
Reviews skew towards US English; other dialects score lower.
`;

export const REQUIREMENTS = `# runtime
torch==2.5.1 --hash=sha256:abc
transformers>=4.44,<5 ; python_version >= "3.9"
safetensors
numpy[extra]==1.26.4
-r other.txt
--index-url https://pypi.example/simple
-e git+https://github.com/acme/tok.git#egg=acme_tok
`;

export const PYPROJECT = `[project]
name = "acme-sentiment"
dependencies = ["accelerate>=0.30", "Pillow == 10.4.0"]

[project.optional-dependencies]
onnx = ["onnxruntime>=1.18"]

[dependency-groups]
test = ["pytest>=8"]

[tool.poetry.dependencies]
python = "^3.10"
datasets = { version = "2.20.0", optional = true }

[tool.poetry.group.dev.dependencies]
ruff = "0.6.1"
`;

export const POETRY_LOCK = `[[package]]
name = "Accelerate"
version = "0.33.0"
optional = false
python-versions = ">=3.8"

[[package]]
name = "ruff"
version = "0.6.1"
groups = ["dev"]
`;

export const PIPFILE_LOCK = JSON.stringify({
  _meta: { hash: { sha256: 'x' } },
  default: { 'scikit-learn': { version: '==1.5.1', hashes: [] } },
  develop: { black: { version: '==24.8.0' } },
});

export const PACKAGE_JSON = JSON.stringify({
  name: 'acme-ui',
  dependencies: { '@huggingface/transformers': '3.0.2', 'onnxruntime-web': '^1.19.0' },
  devDependencies: { vitest: '~2.1.0' },
});

/** Writes the folder and returns its path. */
export function richModelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bom-'));
  const w = (name: string, data: string | Uint8Array) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  };
  w('README.md', MODEL_CARD);
  w(
    'config.json',
    JSON.stringify({
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      hidden_size: 16,
      num_hidden_layers: 2,
      torch_dtype: 'float32',
    }),
  );
  w('generation_config.json', JSON.stringify({ max_length: 128, temperature: 0.7 }));
  w('model.safetensors', safetensorsBytes(contiguousF32({ 'classifier.weight': [2, 16], 'classifier.bias': [2] })));
  w(
    'gguf/acme-sentiment-f32.gguf',
    ggufBytes({
      kv: [
        ['general.architecture', str('bert')],
        ['general.name', str('acme-sentiment')],
        ['general.license', str('apache-2.0')],
      ],
      tensors: [{ name: 'cls.weight', dims: [16, 2] }],
    }),
  );
  w('onnx/model.onnx', matmulModel({ producer: 'pytorch' }));
  w('legacy/optimizer.pkl', OS_SYSTEM_PICKLE);
  w('data/eval.csv', 'text,label\ngreat,1\nawful,0\n');
  w('requirements.txt', REQUIREMENTS);
  w('pyproject.toml', PYPROJECT);
  w('poetry.lock', POETRY_LOCK);
  w('Pipfile.lock', PIPFILE_LOCK);
  w('web/package.json', PACKAGE_JSON);
  return dir;
}

// CommonJS packages: under NodeNext the default import is the module object; take `.default`.
const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const addFormats2019 = ((addFormats2019Module as { default?: unknown }).default ?? addFormats2019Module) as (
  ajv: Ajv,
  opts: { formats: string[] },
) => Ajv;

/** The official CycloneDX 1.6 schema (with the SPDX and JSF schemas it references), compiled by ajv. */
export function officialCycloneDxValidator() {
  const dir = join(process.cwd(), '../shared/schemas/cyclonedx');
  const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  addFormats2019(ajv, { formats: ['idn-email', 'iri-reference'] });
  ajv.addSchema(load('spdx.schema.json'));
  ajv.addSchema(load('jsf-0.82.schema.json'));
  return ajv.compile(load('bom-1.6.schema.json'));
}
