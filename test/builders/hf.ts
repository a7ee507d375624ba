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
