import { hasTokenShape, looksLikeDigestOrId, shannon } from './entropy.js';
import { casings } from './helpers.js';
import type { Detector, RawMatch } from './types.js';

/*
 * `password = "…"`, `api_key: …`, `SECRET_TOKEN=…`: a secret-ish name, an assignment, and a value
 * that is neither a placeholder nor a reference to somewhere else (env var, template, vault path).
 * The value must clear an entropy bar so prose such as "the token: see below" stays quiet.
 */

const WORDS = [
  ...casings('password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'private_key'),
  ...casings('client_secret', 'auth_key', 'credentials'),
  'apiKey',
  'ApiKey',
  'accessKey',
  'secretKey',
  'authToken',
  'accessToken',
];

// Name tail, optional closing quote, operator, optional opening quote, then the value.
const ASSIGN =
  /[A-Za-z0-9_.-]{0,40}\\?["']?\s{0,4}(?::=|=>|=|:)\s{0,4}(?:[rbuf]?\\?["'`])?([^\s"'`,;(){}[\]<>\\]{6,200})/y;
const REFERENCE =
  /^(?:\$|%|\{\{|<|os\.|process\.env|env\.|getenv|environ|settings\.|config\.|self\.|vault:|secrets?\.|ENV\[|true$|false$|null$|none$|undefined$)/i;
const PLACEHOLDER =
  /^(?:x{4,}|\*{3,}|\.{3,}|-+|_+|0+|1234.*|test.*|dummy.*|example.*|your.*|changeme.*|redacted.*|placeholder.*|<.*>|\[.*\])$/i;
// `reader.readString`, `config.db.password`: code reading the secret from elsewhere.
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const WORDY = /^[a-z]+(?:[_-][a-z]+)*$/i;

const NAME_WEIGHT: Record<string, number> = { password: 3.0, passwd: 3.0 };

export const genericSecret: Detector = {
  id: 'generic-secret',
  kind: 'secret',
  label: 'Secret assigned to a credential-named field',
  anchors: WORDS,
  patterns: [ASSIGN, REFERENCE, PLACEHOLDER, MEMBER_ACCESS, WORDY],
  negativeContext: ['example', 'sample', 'dummy', 'placeholder', 'e.g.', 'for instance'],
  find(text, hits) {
    const out: RawMatch[] = [];
    let lastEnd = -1;
    for (const p of hits) {
      if (p < lastEnd) continue;
      // The keyword must start an identifier part (`DB_PASSWORD`, `dbPassword`), not be inside a word like `tokenizer`.
      const prev = text.charCodeAt(p - 1);
      const first = text.charCodeAt(p);
      if (p > 0 && ((prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57)) && !(first >= 65 && first <= 90))
        continue;
      ASSIGN.lastIndex = p;
      const m = ASSIGN.exec(text);
      if (!m) continue;
      const name = text.slice(p, p + m[0].length - (m[1]?.length ?? 0)).toLowerCase();
      // `tokens: 512`, `token_count = 12`, `tokenizer: …` are counts and components, not credentials.
      if (
        /^tokeni[sz]|^tokens?_?(?:count|len|length|limit|ids?|type|usage|budget|per)|^max_tokens|^secret_?name/.test(
          name,
        )
      )
        continue;
      const value = m[1] ?? '';
      if (REFERENCE.test(value) || PLACEHOLDER.test(value) || MEMBER_ACCESS.test(value)) continue;
      if (looksLikeDigestOrId(value) && !/pass|secret/.test(name)) continue;
      if (/^\d+(?:\.\d+)?$/.test(value)) continue;
      const h = shannon(value);
      const key = Object.keys(NAME_WEIGHT).find((k) => name.startsWith(k));
      const minH = key ? (NAME_WEIGHT[key] ?? 3.5) : 3.5;
      if (h < minH) continue;
      if (WORDY.test(value) && value.length < 24 && !key) continue;
      if (!key && !hasTokenShape(value) && h < 4.2) continue;
      const end = p + m[0].length;
      const start = end - value.length;
      lastEnd = end;
      const score = Math.min(0.9, 0.45 + (h - minH) * 0.2 + (hasTokenShape(value) ? 0.15 : 0));
      out.push({ start, end, score });
    }
    return out;
  },
};
