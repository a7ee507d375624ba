import type { GuardCategory } from './types.js';

/**
 * Heuristic signals written from the attack taxonomies (OWASP LLM01:2025, garak probe families, PINT/BIPIA).
 * They run on NORMALISED text (lower case, folded, single-spaced), so patterns are lower case and need not
 * handle homoglyphs or zero-width tricks. Each pattern is built so it matches in linear time: gaps are
 * bounded (`{0,4}`) and a repeated group never overlaps with what follows it — see heuristics.redos.test.ts.
 * `weight` is the signal's strength in [0, 1]; the calibrated combiner decides how much a category counts.
 */
export interface HeuristicRule {
  readonly id: string;
  readonly category: HeuristicCategory;
  readonly weight: number;
  readonly pattern: RegExp;
  /**
   * Only counts in texts at least this long (normalised characters). For signals that mean "an instruction
   * aimed at the answer, hidden in a document": from the user ("list the errors in your reply") the same
   * words are an ordinary request, so a short standalone message cannot carry them as evidence.
   */
  readonly minContext?: number;
}

export type HeuristicCategory = Extract<
  GuardCategory,
  'instruction-override' | 'jailbreak' | 'prompt-extraction' | 'delimiter-injection' | 'tool-hijack' | 'injection'
>;

export const HEURISTIC_CATEGORIES: readonly HeuristicCategory[] = [
  'instruction-override',
  'jailbreak',
  'prompt-extraction',
  'delimiter-injection',
  'tool-hijack',
  'injection',
];

// Up to N intervening words: `(?: \S+){0,N}? ` — words are separated by exactly one space after normalisation.
const GAP4 = '(?: [^ ]+){0,4}? ';
const GAP6 = '(?: [^ ]+){0,6}? ';
const OVERRIDE_VERB =
  "(?:ignore|ignoring|disregard|forget|skip|override|overwrite|bypass|drop|abandon|discard|neglect|set aside|throw away|pay no attention to|do not follow|don'?t follow|stop following|no longer follow|delete|erase|remove|cancel)";
const PRIOR_THING =
  '(?:instructions?|prompts?|rules|directions?|directives?|guidelines|commands?|orders|context|tasks?|assignments?|messages?|information|constraints|programming|restrictions|guardrails|polic(?:y|ies)|safeguards|filters|training|conditioning)';

const EXTRACT_TARGET =
  '(?:system (?:prompt|message|instructions?)|(?:initial|original|hidden|secret|internal|previous|above|prior|first|full|complete|exact|entire|pre-?prompt) (?:prompt|instructions|directives|rules|text|message|configuration)|prompt ?-?texts?|your (?:instructions|prompt|rules|guidelines|directives|programming|configuration|system|initial))';

/** About two sentences of surrounding text: below this an input is a message, not a document. */
const DOCUMENT_CONTEXT = 240;

const re = (source: string): RegExp => new RegExp(source, 'g');

export const HEURISTIC_RULES: readonly HeuristicRule[] = [
  // --- instruction override (LLM01 direct injection) ---
  {
    id: 'override/ignore-previous',
    category: 'instruction-override',
    weight: 1,
    pattern: re(
      `\\b${OVERRIDE_VERB}${GAP4}(?:previous|prior|above|earlier|preceding|initial|original|former|old|existing|system|all|any|your|the) ${GAP4}?${PRIOR_THING}\\b`,
    ),
  },
  {
    id: 'override/ignore-direct',
    category: 'instruction-override',
    weight: 0.7,
    pattern: re(`\\b${OVERRIDE_VERB} (?:all |any |your |the |these |my )?${PRIOR_THING}\\b`),
  },
  {
    id: 'override/forget-everything',
    category: 'instruction-override',
    weight: 0.8,
    pattern: re(
      '\\b(?:forget|ignore|disregard|drop) (?:about )?(?:everything|all(?: of)? (?:that|this|the above))(?: (?:before|above|previous|prior|we discussed|you know|you were told|i said|said)\\b)?',
    ),
  },
  {
    id: 'override/new-instructions',
    category: 'instruction-override',
    weight: 0.6,
    pattern: re(
      '\\b(?:new|updated|real|actual|true|revised|additional|secret|hidden|priority) (?:instructions?|tasks?|directives?|orders|assignment|objective|rules|system prompt)(?: follow| are| is|:)',
    ),
  },
  {
    id: 'override/instead',
    category: 'instruction-override',
    weight: 0.6,
    pattern: re(
      `\\b(?:instead|rather|only|just) (?:say|output|print|write|respond with|reply with|answer with|return)\\b${GAP4}?["'\`]`,
    ),
  },
  {
    id: 'override/do-not-answer',
    category: 'instruction-override',
    weight: 0.8,
    pattern: re(
      "\\b(?:do not|don'?t|dont) (?:answer|respond to|look at|use|read)(?: this| the| my| any)? (?:question|documents?|articles?|context|provided|text)\\b",
    ),
  },
  {
    id: 'override/from-now-on',
    category: 'instruction-override',
    weight: 0.4,
    pattern: re(
      '\\b(?:from now on|from this point (?:on|forward)|henceforth|starting now|for the rest of this conversation)\\b',
    ),
  },
  {
    id: 'override/german',
    category: 'instruction-override',
    weight: 1,
    pattern: re(
      `\\b(?:ignorier[a-z]*|vergiss|vergessen sie|missachte[a-z]*|uberschreibe|verwirf)${GAP4}(?:anweisungen|befehle|instruktionen|aufgaben|auftrage|regeln|informationen|angaben|alles|vorgaben)\\b`,
    ),
  },
  {
    id: 'override/german-new',
    category: 'instruction-override',
    weight: 0.7,
    pattern: re('\\b(?:neue|weitere) (?:anweisungen|aufgaben?|instruktionen|befehle)\\b|\\bvergiss alles\\b'),
  },
  {
    // Spanish, Italian, Portuguese. French is separate: its "ignore … instructions" is spelt like English,
    // and matching it here counted "why models sometimes ignore instructions" as a full-strength override.
    id: 'override/romance',
    category: 'instruction-override',
    weight: 1,
    pattern: re(
      `\\b(?:ignora|olvida|olvide|olvidate|descarta|dimentica|esquece|esqueca|ignorar)${GAP4}(?:instrucciones|instrucoes|istruzioni|reglas|regras|regole|indicaciones|ordenes|ordini|todo|tutto|tudo)\\b`,
    ),
  },
  {
    // French: needs a French determiner or "tout", so English prose about ignoring instructions stays out.
    id: 'override/french',
    category: 'instruction-override',
    weight: 1,
    pattern: re(
      '\\b(?:ignore[zr]?|oublie[zr]?)(?: toutes?)? (?:les|tes|vos|ces) (?:[^ ]+ )?(?:instructions|consignes|regles|directives)\\b|\\b(?:ignore[zr]?|oublie[zr]?) tout\\b',
    ),
  },
  // --- jailbreak / role-play frames ---
  {
    id: 'jailbreak/dan',
    category: 'jailbreak',
    weight: 1,
    pattern: re(
      '\\b(?:do anything now|developer mode (?:enabled|output|activated)|dan mode|jailbr(?:oken|eak mode)|god mode enabled|(?:stan|dude|dan|apophis|antigpt|betterdan) (?:mode|prompt|jailbreak)|strive to avoid norms)\\b',
    ),
  },
  {
    id: 'jailbreak/no-rules',
    category: 'jailbreak',
    weight: 0.9,
    pattern: re(
      `\\b(?:no|without|free (?:of|from)|not bound by|not restricted by|not limited by|beyond|break(?:s|ing)? (?:free )?(?:of|from)|released from|unbound by)${GAP4}?(?:ethical|moral|ethics|morals|content|safety|openai|usage)? ?(?:guidelines|restrictions|limitations|rules|filters|policies|constraints|boundaries|censorship|principles|confines)\\b`,
    ),
  },
  {
    id: 'jailbreak/unfiltered-persona',
    category: 'jailbreak',
    weight: 0.9,
    pattern: re(
      `\\b(?:you are|you're|act as|pretend to be|pretend you are|roleplay as|simulate|become|play the role of|you will be)${GAP4}?(?:an? )?(?:unfiltered|uncensored|unrestricted|amoral|immoral|unethical|evil|rogue|jailbroken|unhinged|unlimited|limitless)\\b`,
    ),
  },
  {
    id: 'jailbreak/never-refuse',
    category: 'jailbreak',
    weight: 0.8,
    pattern: re(
      "\\b(?:never|not|won'?t|cannot|can'?t|will not) (?:refuse|decline|say no|reject)\\b|\\b(?:stay|remain|don'?t break|never break) (?:in )?character\\b|\\b(?:answer|generate|say|do) (?:anything|everything|any request)\\b",
    ),
  },
  {
    id: 'jailbreak/two-responses',
    category: 'jailbreak',
    weight: 0.8,
    pattern: re(
      '\\[(?:🔓|🔒|jailbreak|classic|dan|gpt|developer mode output)|\\b(?:two|2) (?:different )?(?:responses|answers|paragraphs)\\b',
    ),
  },
  {
    id: 'jailbreak/hypothetical-no-ethics',
    category: 'jailbreak',
    weight: 0.7,
    pattern: re(
      `\\b(?:hypothetical(?:ly)?|fictional|imaginary|in a world where)${GAP6}(?:ai|model|assistant|chatbot)${GAP4}?(?:without|no|with no|lacking)${GAP4}?(?:ethics|morals|filters|restrictions|guidelines|rules)\\b`,
    ),
  },
  {
    id: 'jailbreak/policy-bypass',
    category: 'jailbreak',
    weight: 0.8,
    pattern: re(
      `\\b(?:ignore|bypass|violate|disregard|circumvent|override|evade|don'?t care about|doesn'?t care about)${GAP4}?(?:openai|anthropic|content|safety|usage|ethical|moral)? ?(?:polic(?:y|ies)|filters?|guidelines|moderation|safeguards|alignment)\\b`,
    ),
  },
  {
    id: 'jailbreak/persona-switch',
    category: 'jailbreak',
    weight: 0.35,
    pattern: re(
      '\\b(?:you are now|from now on you are|you will now act as|now you are|jetzt bist du|nun bist du|ahora eres|tu es maintenant|stell dir vor,? du bist)\\b',
    ),
  },
  // --- system prompt extraction (LLM07:2025) ---
  {
    // Verbs that reproduce an existing prompt. Verbs that also create or discuss one (write, translate,
    // summarise, "what is") count only with a possessive or deictic ("write out your…", "what is the exact
    // system prompt"), so "how do I write a good system prompt" and "what is a system prompt" stay quiet.
    id: 'extract/system-prompt',
    category: 'prompt-extraction',
    weight: 0.9,
    pattern: re(
      `\\b(?:reveal|show|print|output|repeat|display|tell|give|share|leak|dump|list|spell|recite|reproduce|return|paste|copy|encode|write (?:out|down))\\b${GAP6}${EXTRACT_TARGET}\\b|\\b(?:write|translate|summari[sz]e|what (?:is|are|was|were))(?: [^ ]+){0,3}? (?:(?:the|this|these|above|my)(?: [^ ]+)? ${EXTRACT_TARGET}|your (?:[^ ]+ )?(?:prompt|instructions|rules|guidelines|directives|programming|configuration))\\b`,
    ),
  },
  {
    id: 'extract/text-above',
    category: 'prompt-extraction',
    weight: 0.8,
    pattern: re(
      `\\b(?:repeat|print|output|write|show|return|copy|what (?:is|was) written)${GAP4}(?:above|before this|at the (?:beginning|start|top)|verbatim|word for word|prior to this)\\b|\\b(?:words|text|everything|all) above\\b`,
    ),
  },
  {
    id: 'extract/secret',
    category: 'prompt-extraction',
    weight: 0.7,
    pattern: re(
      `\\b(?:reveal|tell|give|spell|say|share|print|output|disclose|leak|what is|whats)${GAP6}(?:the |your )?(?:password|passphrase|secret (?:word|key|code|phrase)|api key|access code|hidden word)\\b`,
    ),
  },
  {
    id: 'extract/german',
    category: 'prompt-extraction',
    weight: 0.9,
    pattern: re(
      `\\b(?:zeige?|zeigen sie|gib|geben sie|nenne|wiederhole|drucke|vorzeigen)${GAP6}(?:prompt-?texte?|prompts?|anweisungen|instruktionen|systemprompt|system-?prompt)\\b`,
    ),
  },
  // --- delimiter / format injection ---
  {
    id: 'delimiter/chat-template',
    category: 'delimiter-injection',
    weight: 1,
    pattern: re(
      '<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|end_of_turn)\\|>|<<\\/?sys>>|\\[\\/?(?:inst|sys)\\]|<\\/?(?:start_of_turn|end_of_turn)>',
    ),
  },
  {
    id: 'delimiter/fake-role-tag',
    category: 'delimiter-injection',
    weight: 0.8,
    pattern: re('<\\/?(?:system|sys|system_prompt|instructions?|admin|developer|im_system|assistant_instructions)>'),
  },
  {
    id: 'delimiter/markdown-header',
    category: 'delimiter-injection',
    weight: 0.6,
    pattern: re(
      '(?:^|[ ])#{2,6} ?(?:new |system |updated )?(?:instructions?|system|system prompt|response|human|assistant|task)\\b ?:?',
    ),
  },
  {
    id: 'delimiter/end-of-input',
    category: 'delimiter-injection',
    weight: 0.8,
    pattern: re(
      '\\b(?:end of (?:the )?(?:user |system )?(?:input|prompt|document|context|text|instructions|conversation|email|data)|(?:begin|start)(?:ning)? of (?:new |system |admin )?(?:instructions|prompt))\\b|%%%|(?<!=)={4,} ?(?:end|system|new)|(?<!-)-{4,} ?(?:end|system|new)',
    ),
  },
  {
    id: 'delimiter/role-label',
    category: 'delimiter-injection',
    weight: 0.4,
    pattern: re('(?:^|[ \\]}>"\'.])(?:system|assistant|human|ai)(?: message)? ?: '),
  },
  // --- tool-call hijack / exfiltration (LLM01 indirect, LLM06 excessive agency) ---
  {
    id: 'tool/invoke',
    category: 'tool-hijack',
    weight: 0.8,
    pattern: re(
      `\\b(?:call|invoke|use|execute|run|trigger)${GAP4}(?:tool|function|plugin|api|action|command)\\b${GAP6}(?:send|email|forward|post|upload|delete|transfer|exfiltrate|share|wire|pay)\\b`,
    ),
  },
  {
    id: 'tool/send-to-external',
    category: 'tool-hijack',
    weight: 0.6,
    pattern: re(
      `\\b(?:send|forward|email|post|upload|transfer|exfiltrate|leak|wire|share)${GAP6}(?:to|at) [^ ]{0,40}(?:@[a-z0-9-]+\\.[a-z]|https?:|www\\.)`,
    ),
  },
  {
    id: 'tool/function-json',
    category: 'tool-hijack',
    weight: 0.6,
    pattern: re('"(?:name|function|tool|tool_name)" ?: ?"[^"]{1,64}" ?, ?"(?:arguments|parameters|args|input)"'),
  },
  {
    id: 'tool/markdown-exfil',
    category: 'tool-hijack',
    weight: 0.9,
    pattern: re('!\\[[^\\]]{0,100}\\] ?\\(https?:[^) ]{1,200}[?&=/](?:\\{|%7b|\\$|\\[)'),
  },
  // --- indirect injection framings (BIPIA-style instructions aimed at the assistant's output) ---
  {
    id: 'indirect/addressed-to-ai',
    category: 'injection',
    weight: 0.7,
    pattern: re(
      '\\b(?:note|message|instruction|attention|important|notice) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|model|agent|gpt)\\b|\\b(?:ai|llm|assistant)s? (?:reading|processing|summari[sz]ing|parsing) this\\b|\\bif you are an? (?:ai|llm|language model|assistant)\\b',
    ),
  },
  {
    id: 'indirect/embed-code',
    category: 'injection',
    weight: 0.6,
    minContext: DOCUMENT_CONTEXT,
    pattern: re(
      `\\b(?:incorporate|integrate|embed|include|insert|inject|append|blend|meld|utili[sz]e|employ|introduce|add)${GAP6}(?:code (?:snippet|block|section|excerpt)|snippet)\\b`,
    ),
  },
  {
    id: 'indirect/modify-response',
    category: 'injection',
    weight: 0.45,
    minContext: DOCUMENT_CONTEXT,
    pattern: re(
      '\\b(?:in|to|into|within|throughout) your (?:response|reply|answer|output|summary|responses|replies)\\b|\\byour (?:response|reply|answer|message) (?:backward|in reverse|in base|in (?:all )?caps|to (?:italian|spanish|french|german))',
    ),
  },
];

export interface HeuristicHit {
  readonly ruleId: string;
  readonly category: HeuristicCategory;
  readonly weight: number;
  /** Range in the normalised text. */
  readonly start: number;
  readonly end: number;
}

const MAX_HITS_PER_RULE = 16;

/** Fresh RegExp objects per Guard, so `lastIndex` state is never shared between instances. */
export function compileRules(rules: readonly HeuristicRule[] = HEURISTIC_RULES): HeuristicRule[] {
  return rules.map((r) => ({ ...r, pattern: new RegExp(r.pattern.source, 'g') }));
}

/** Runs every rule over normalised text; hits are capped per rule so hostile input cannot blow up output. */
export function matchHeuristics(text: string, rules: readonly HeuristicRule[]): HeuristicHit[] {
  const hits: HeuristicHit[] = [];
  for (const rule of rules) {
    if (rule.minContext !== undefined && text.length < rule.minContext) continue;
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    let count = 0;
    for (let m = pattern.exec(text); m !== null && count < MAX_HITS_PER_RULE; m = pattern.exec(text)) {
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      hits.push({
        ruleId: rule.id,
        category: rule.category,
        weight: rule.weight,
        start: m.index,
        end: m.index + m[0].length,
      });
      count++;
    }
  }
  return hits;
}
