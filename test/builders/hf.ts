/** Hugging Face folder files built in code: configs with auto_map, tokenizer configs with chat templates. */

export function hfConfig(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ architectures: ['BertModel'], model_type: 'bert', hidden_size: 16, ...extra }, null, 2);
}

export function autoMapConfig(autoMap: Record<string, unknown>): string {
  return hfConfig({ architectures: ['CustomModel'], model_type: 'custom', auto_map: autoMap });
}

/** A Llama-3-style chat template: loops, namespace(), raise_exception — nothing dangerous. */
export const BENIGN_TEMPLATE =
  "{% set ns = namespace(system='') %}{% for m in messages %}{% if m['role'] == 'system' %}{% set ns.system = m['content'] %}" +
  "{% elif m['role'] not in ['user', 'assistant'] %}{{ raise_exception('bad role') }}{% else %}" +
  "{{ '<|start_header_id|>' + m['role'] + '<|end_header_id|>\\n\\n' + m['content'] | trim + '<|eot_id|>' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

/** CVE-2024-34359 class: SSTI reaching os.popen through Python internals. */
export const SSTI_TEMPLATE =
  "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}{% for m in messages %}{{ m.content }}{% endfor %}";

export function tokenizerConfig(chatTemplate: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', chat_template: chatTemplate, ...extra });
}

// ---------------------------------------------------------------- MLflow

/** An MLmodel file as `mlflow.pyfunc.log_model(python_model=…)` writes it (MLflow 2.x). */
export function mlmodel(flavors: Record<string, Record<string, unknown>>): string {
  const lines = ['artifact_path: model', 'flavors:'];
  for (const [name, f] of Object.entries(flavors)) {
    lines.push(`  ${name}:`);
    for (const [k, v] of Object.entries(f))
      lines.push(`    ${k}: ${v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : v}`);
  }
  lines.push(
    'mlflow_version: 2.9.2',
    'model_uuid: 3f1c2b7e9d8a4c6b',
    'run_id: 5a7e1f0c2d9b',
    'utc_time_created: 2024-01-01 00:00:00.000000',
  );
  return `${lines.join('\n')}\n`;
}

export const PYFUNC_CUSTOM = {
  python_function: {
    cloudpickle_version: '2.2.1',
    code: null,
    env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
    loader_module: 'mlflow.pyfunc.model',
    python_model: 'python_model.pkl',
    python_version: '3.10.12',
  },
};

export const SKLEARN_SKOPS_FREE = {
  python_function: {
    env: { conda: 'conda.yaml' },
    loader_module: 'mlflow.sklearn',
    model_path: 'model.pkl',
    predict_fn: 'predict',
    python_version: '3.10.12',
  },
  sklearn: { code: null, pickled_model: 'model.pkl', serialization_format: 'cloudpickle', sklearn_version: '1.3.0' },
};

export const ONNX_FLAVOUR = {
  python_function: {
    env: { conda: 'conda.yaml' },
    loader_module: 'mlflow.onnx',
    data: 'model.onnx',
    python_version: '3.10.12',
  },
  onnx: { code: null, data: 'model.onnx', onnx_version: '1.15.0', providers: ['CPUExecutionProvider'] },
};
