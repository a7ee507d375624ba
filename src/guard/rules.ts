import type { Finding } from '../core/finding.js';
import { cleanEvidence, maskSecret } from '../core/finding.js';
import { findingOf, type Rule, ref } from '../core/rule.js';
import type { Severity } from '../core/severity.js';
import type { GuardCategory, ScanResult } from './types.js';

// ATLAS: AML.T0051 LLM Prompt Injection (.000 direct, .001 indirect), AML.T0054 LLM Jailbreak,
// AML.T0056 LLM Meta Prompt Extraction, AML.T0057 LLM Data Leakage, AML.T0053 LLM Plugin Compromise.
const INJECTION = [ref.atlas('AML.T0051.000'), ref.owaspLlm('LLM01:2025'), ref.cwe(77)];

function rule(
  category: GuardCategory,
  title: string,
  severity: Severity,
  description: string,
  remediation: string,
  references = INJECTION,
): Rule {
  return { id: `guard/${category}`, title, severity, description, remediation, references };
}

const BLOCK = 'Block or quarantine the input; do not let it reach a model that can act (tools, browsing, e-mail).';

/** One rule per result category, so guard verdicts can be reported as findings like any other scan. */
export const GUARD_RULES: Readonly<Record<GuardCategory, Rule>> = {
  'instruction-override': rule(
    'instruction-override',
    'Prompt tries to override the instructions the model was given',
    'high',
    'Text asks the model to ignore, forget or replace its previous instructions ("ignore all previous instructions", "new instructions follow"), in English or other languages, possibly obfuscated.',
    BLOCK,
  ),
  jailbreak: rule(
    'jailbreak',
    'Role-play or "unrestricted mode" jailbreak frame',
    'high',
    "A DAN-style persona, developer/unrestricted mode, a fiction or hypothetical frame that removes the model's rules, or instructions never to refuse.",
    'Block the prompt; keep safety policy in the system prompt and in output moderation, not only in the model.',
    [ref.atlas('AML.T0054'), ref.owaspLlm('LLM01:2025')],
  ),
  'prompt-extraction': rule(
    'prompt-extraction',
    'Attempt to extract the system prompt or hidden secrets',
    'high',
    'Requests to repeat, print, translate or encode the system prompt, "the text above", hidden rules or a secret password.',
    'Block the prompt, keep no secrets in system prompts, and add a canary token (guard.canary()) to detect leaks in outputs.',
    [ref.atlas('AML.T0056'), ref.owaspLlm('LLM07:2025'), ref.owaspLlm('LLM01:2025')],
  ),
  'delimiter-injection': rule(
    'delimiter-injection',
    'Fake chat-template tokens, role tags or section delimiters',
    'high',
    'Chat-template tokens (<|im_start|>, [INST], <<SYS>>), fake </system> tags, "### Instruction" headers or "END OF INPUT" markers that try to open a new, more privileged turn.',
    'Strip or escape template tokens from untrusted text before templating; block the input.',
    [...INJECTION, ref.cwe(74)],
  ),
  'tool-hijack': rule(
    'tool-hijack',
    'Instructions to call tools, send data out or render exfiltration links',
    'critical',
    'Text tells an agent to call a tool or function, send or forward data to an external address, or embed a markdown image whose URL carries conversation data.',
    'Require user confirmation for side-effecting tools, allow-list destinations, and block the input.',
    [ref.atlas('AML.T0051.001'), ref.atlas('AML.T0053'), ref.owaspLlm('LLM01:2025'), ref.owaspLlm('LLM06:2025')],
  ),
  injection: rule(
    'injection',
    'Prompt injection (classifier)',
    'high',
    'The trained classifier scores the text (or a window of a long document) as a prompt injection, without a specific heuristic category; includes instructions planted in documents (indirect injection).',
    BLOCK,
    [ref.atlas('AML.T0051.000'), ref.atlas('AML.T0051.001'), ref.owaspLlm('LLM01:2025'), ref.cwe(77)],
  ),
  obfuscation: rule(
    'obfuscation',
    'Obfuscated payload (encoding, homoglyphs, invisible characters)',
    'medium',
    'The flagged content was hidden: base64/hex/URL/ROT13-encoded, written with homoglyphs, leetspeak or spacing, or carried in zero-width or Unicode tag characters. Reported with the category of what it decoded to.',
    'Treat deliberately hidden instructions as hostile; block the input.',
    [ref.atlas('AML.T0051.000'), ref.owaspLlm('LLM01:2025'), ref.cwe(116)],
  ),
  'secret-leak': rule(
    'secret-leak',
    'Credential in a model output',
    'high',
    "A model response contains a credential (API key, token, private key) found by the data module's secret detectors.",
    'Withhold or redact the response; rotate the credential; remove secrets from prompts, tools and training data.',
    [ref.atlas('AML.T0057'), ref.owaspLlm('LLM02:2025'), ref.cwe(200)],
  ),
  'pii-leak': rule(
    'pii-leak',
    'Personal data in a model output',
    'medium',
    "A model response contains personal data (e-mail, phone, card or ID numbers) found by the data module's PII detectors.",
    'Redact before display or logging; check whether the model or its retrieval sources should hold this data.',
    [ref.atlas('AML.T0057'), ref.owaspLlm('LLM02:2025'), ref.cwe(359)],
  ),
  'canary-leak': rule(
    'canary-leak',
    'Canary token from the system prompt appears in an output',
    'critical',
    'A canary issued by guard.canary() and placed in a system prompt appears in a response (also when spaced, re-cased or reformatted): the system prompt leaked.',
    'Block the response, review the conversation for an extraction attack, and rotate anything the prompt contained.',
    [ref.atlas('AML.T0056'), ref.owaspLlm('LLM07:2025')],
  ),
  'system-prompt-leak': rule(
    'system-prompt-leak',
    'Output reproduces a substantial part of the system prompt',
    'high',
    'Word 5-gram shingles of a registered system prompt are found in a response: a third of the prompt, or about sixteen consecutive words of it, verbatim after normalisation.',
    'Block the response; keep secrets out of system prompts.',
    [ref.atlas('AML.T0056'), ref.owaspLlm('LLM07:2025')],
  ),
  'exfiltration-link': rule(
    'exfiltration-link',
    'Markdown/HTML image or link to a non-allow-listed host',
    'high',
    'A response renders an image (fetched with no click) or a data-carrying link pointing to a host outside the allow-list — the markdown-image exfiltration channel of indirect prompt injection.',
    'Do not render images or links to hosts outside an allow-list; strip them from responses.',
    [ref.atlas('AML.T0025'), ref.owaspLlm('LLM05:2025'), ref.owaspLlm('LLM01:2025')],
  ),
};

export const GUARD_RULE_LIST: readonly Rule[] = Object.values(GUARD_RULES);

/** Turns a guard verdict into findings (one per span), with masked evidence. `path` names the source. */
export function findingsOf(result: ScanResult, text: string, path: string): Finding[] {
  if (!result.flagged) return [];
  return result.spans.map((s) => {
    const raw = text.slice(s.start, s.end);
    const secret = s.category === 'secret-leak' || s.category === 'canary-leak';
    return findingOf(GUARD_RULES[s.category], {
      message: `${GUARD_RULES[s.category].title} (${s.signal}, score ${result.score})`,
      path,
      offset: s.start,
      evidence: cleanEvidence(secret ? maskSecret(raw) : raw),
      scanner: 'guard',
    });
  });
}
