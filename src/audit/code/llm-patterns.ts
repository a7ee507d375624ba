/**
 * Names that identify LLM calls, untrusted input and dangerous sinks in application code. Plain
 * tables so they can be reviewed and extended without touching the analysis. Regular expressions
 * here only ever see callee names and short expression texts (capped), never whole files.
 */

/** Callee texts (dotted, as written) that return a model completion. */
export const LLM_CALL_SUFFIX =
  /(?:^|\.)(?:chat\.completions\.(?:create|parse|stream)|completions\.create|ChatCompletion\.a?create|Completion\.a?create|messages\.(?:create|stream)|responses\.create|generate_content(?:_async)?|chat_completion|text_generation|generateText|streamText|generateObject)$/;

/** Module-level functions (resolved names) that return a completion. */
export const LLM_FUNCTIONS = new Set([
  'litellm.completion',
  'litellm.acompletion',
  'ollama.chat',
  'ollama.generate',
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
]);

/** Methods that return a completion when called on something that looks like a model client or chain. */
export const LLM_METHODS = new Set([
  'invoke',
  'ainvoke',
  'run',
  'arun',
  'generate',
  'agenerate',
  'complete',
  'acomplete',
  'chat',
  'achat',
  'stream',
  'predict',
  'apredict',
  'call',
  'sendMessage',
]);

/** Receiver names (last identifier before the method) that suggest an LLM client, chain or agent. */
export const LLM_RECEIVER =
  /(?:llm|chain|agent|chat|gpt|claude|gemini|mistral|llama|ollama|bot|assistant|qa|generator|pipe|openai|anthropic|completion)/i;

/** `model.generate(...)` is a transformers completion (token ids, decoded next); `model.predict` is not. */
export const GENERATE_RECEIVER = /model/i;

/** Callees that construct a callable text generator (`pipeline("text-generation")`). */
export const LLM_FACTORIES = new Set(['transformers.pipeline', 'pipeline']);

/** Calls whose result no longer carries the input's text (numbers, lengths, quoting for the shell). */
export const SANITIZERS = new Set([
  'int',
  'float',
  'bool',
  'len',
  'shlex.quote',
  'pipes.quote',
  'html.escape',
  'markupsafe.escape',
  'bleach.clean',
  'hashlib.sha256',
  'uuid.UUID',
  'Number',
  'parseInt',
  'parseFloat',
  'Boolean',
  'encodeURIComponent',
]);

/** Python expression texts that carry request or user input. */
export const PY_USER_EXPR =
  /^(?:flask\.)?(?:self\.)?request\.(?:args|form|values|json|data|files|get_json|get_data|GET|POST|body|query_params|path_params|headers|cookies|stream|json\(\)|form\(\)|body\(\))|^sys\.argv\b/;

/** Python callees (resolved) that read user input. */
export const PY_USER_CALLS = new Set([
  'input',
  'streamlit.text_input',
  'streamlit.text_area',
  'streamlit.chat_input',
  'click.prompt',
  'typer.prompt',
]);

/** Decorators that make a function a web route: its parameters are request input. */
export const ROUTE_DECORATOR =
  /\.(?:route|get|post|put|patch|delete|websocket|api_route|tool)\s*\(|^@?(?:tool|function_tool)\b/;

/** Method names that run SQL on a connection, cursor or ORM. */
export const SQL_METHODS = new Set(['execute', 'executemany', 'executescript', 'exec_driver_sql', 'raw', 'read_sql']);

/** Functions (resolved) that take SQL text. */
export const SQL_FUNCTIONS = new Set(['sqlalchemy.text', 'pandas.read_sql', 'pandas.read_sql_query']);

/** Variable names that hold a prompt: string-building into them counts as prompt construction. */
export const PROMPT_NAME = /prompt|messages?$|instruction|system_?msg|^system$|template|query_text/i;

/** Keyword arguments of LLM calls that take instructions (the system prompt). */
export const SYSTEM_KEYWORDS = new Set(['system', 'instructions', 'system_prompt', 'system_instruction']);

/** Methods that build a string from a template. */
export const FORMAT_METHODS = new Set(['format', 'format_map', 'substitute', 'safe_substitute', 'join', 'replace']);

/** Hub download calls and the position of their repository argument. */
export const HUB_DOWNLOADS = new Set([
  'from_pretrained',
  'hf_hub_download',
  'snapshot_download',
  'load_dataset',
  'SentenceTransformer',
  'CrossEncoder',
  'pipeline',
]);

/** A hub repository id: `org/name`, not a relative or absolute path, not a file name. */
export const HUB_REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;

/** A pinned revision is a full commit hash. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;
