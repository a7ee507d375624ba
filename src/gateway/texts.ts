import type { RouteKind } from './routes.js';

/**
 * One piece of text inside a request body that the gateway scans and may rewrite (redaction):
 * where it is (an OpenAI-style `param` path), who it speaks for, its value and a setter.
 */
export interface TextSlot {
  readonly param: string;
  /** `system`, `developer`, `user`, `assistant`, `tool`, `function`. Tool results carry indirect injection. */
  readonly role: string;
  readonly text: string;
  set(value: string): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function slot(out: TextSlot[], holder: Obj | unknown[], key: string | number, param: string, role: string): void {
  const text = (holder as Record<string | number, unknown>)[key];
  if (typeof text !== 'string' || text.length === 0) return;
  out.push({
    param,
    role,
    text,
    set(value) {
      (holder as Record<string | number, unknown>)[key] = value;
    },
  });
}

/** String content, or an array of content parts (`text`, `input_text`, `output_text` parts carry text). */
function content(out: TextSlot[], holder: Obj, key: string, param: string, role: string): void {
  const c = holder[key];
  if (typeof c === 'string') {
    slot(out, holder, key, param, role);
    return;
  }
  if (!Array.isArray(c)) return;
  c.forEach((part, j) => {
    if (typeof part === 'string') slot(out, c, j, `${param}[${j}]`, role);
    else if (isObj(part)) slot(out, part, 'text', `${param}[${j}].text`, role);
  });
}

function toolCalls(out: TextSlot[], m: Obj, param: string): void {
  const calls = m.tool_calls;
  if (!Array.isArray(calls)) return;
  calls.forEach((c, j) => {
    if (isObj(c) && isObj(c.function))
      slot(out, c.function, 'arguments', `${param}.tool_calls[${j}].function.arguments`, 'assistant');
  });
}

function chat(body: Obj, out: TextSlot[]): void {
  const msgs = body.messages;
  if (!Array.isArray(msgs)) return;
  msgs.forEach((m, i) => {
    if (!isObj(m)) return;
    const role = typeof m.role === 'string' ? m.role : 'user';
    content(out, m, 'content', `messages[${i}].content`, role);
    toolCalls(out, m, `messages[${i}]`);
  });
}

function stringOrList(out: TextSlot[], body: Obj, key: string, role: string): void {
  const v = body[key];
  if (typeof v === 'string') slot(out, body, key, key, role);
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) slot(out, v, i, `${key}[${i}]`, role);
}

function responses(body: Obj, out: TextSlot[]): void {
  slot(out, body, 'instructions', 'instructions', 'system');
  const input = body.input;
  if (typeof input === 'string') {
    slot(out, body, 'input', 'input', 'user');
    return;
  }
  if (!Array.isArray(input)) return;
  input.forEach((item, i) => {
    if (!isObj(item)) return;
    const param = `input[${i}]`;
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      slot(out, item, 'output', `${param}.output`, 'tool');
    } else if (item.type === 'function_call') {
      slot(out, item, 'arguments', `${param}.arguments`, 'assistant');
    } else {
      content(out, item, 'content', `${param}.content`, typeof item.role === 'string' ? item.role : 'user');
    }
  });
}

/** Every scannable text slot of a request body, in document order. */
export function requestSlots(kind: RouteKind, body: unknown): TextSlot[] {
  const out: TextSlot[] = [];
  if (!isObj(body)) return out;
  switch (kind) {
    case 'chat':
      chat(body, out);
      break;
    case 'completions':
      stringOrList(out, body, 'prompt', 'user');
      slot(out, body, 'suffix', 'suffix', 'user');
      break;
    case 'responses':
      responses(body, out);
      break;
    case 'embeddings':
      stringOrList(out, body, 'input', 'user');
      break;
    case 'models':
      break;
  }
  return out;
}

/** The system/developer text of a request: registered as secrets whose leak in the output is flagged. */
export function systemTexts(slots: readonly TextSlot[]): string[] {
  return slots.filter((s) => s.role === 'system' || s.role === 'developer').map((s) => s.text);
}

/**
 * Completion text slots of a non-streaming response body (chat, completions, responses), rewritable
 * the same way so output redaction and placeholder restoration share one path.
 */
export function responseSlots(kind: RouteKind, body: unknown): TextSlot[] {
  const out: TextSlot[] = [];
  if (!isObj(body)) return out;
  if (kind === 'chat' || kind === 'completions') {
    const choices = body.choices;
    if (!Array.isArray(choices)) return out;
    choices.forEach((c, i) => {
      if (!isObj(c)) return;
      slot(out, c, 'text', `choices[${i}].text`, 'assistant');
      if (isObj(c.message)) {
        content(out, c.message, 'content', `choices[${i}].message.content`, 'assistant');
        slot(out, c.message, 'refusal', `choices[${i}].message.refusal`, 'assistant');
        toolCalls(out, c.message, `choices[${i}].message`);
      }
    });
  } else if (kind === 'responses') {
    const output = body.output;
    if (Array.isArray(output)) {
      output.forEach((item, i) => {
        if (!isObj(item)) return;
        if (item.type === 'function_call') slot(out, item, 'arguments', `output[${i}].arguments`, 'assistant');
        else content(out, item, 'content', `output[${i}].content`, 'assistant');
      });
    }
    slot(out, body, 'output_text', 'output_text', 'assistant');
  }
  return out;
}
