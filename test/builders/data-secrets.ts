/**
 * Builds credential- and PII-shaped strings in code, so no real secret is ever committed and the
 * corpus can be regenerated. Values follow each vendor's published format; checksums are computed.
 */
import { luhn, verhoeffValid } from '../../src/data/detect/validators.js';

/** Deterministic PRNG (mulberry32) so fixtures are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = `${ALNUM}+/`;

export function pick(r: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export type SecretFactory = (r: () => number) => string;

/** One generator per secret detector id. */
export const SECRET_FACTORIES: Record<string, SecretFactory> = {
  'aws-access-key': (r) => `AKIA${pick(r, B32, 16)}`,
  'aws-secret-key': (r) => `aws_secret_access_key = ${pick(r, B64, 40)}`,
  'gcp-api-key': (r) => `AIza${pick(r, `${ALNUM}_-`, 35)}`,
  'azure-storage-key': (r) =>
    `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${pick(r, B64, 86)}==;EndpointSuffix=core.windows.net`,
  'azure-client-secret': (r) => `${pick(r, ALNUM, 3)}8Q~${pick(r, `${ALNUM}_-`, 34)}`,
  'openai-api-key': (r) => `sk-proj-${pick(r, `${ALNUM}_-`, 56)}`,
  'anthropic-api-key': (r) => `sk-ant-api03-${pick(r, `${ALNUM}_-`, 93)}AA`,
  'huggingface-token': (r) => `hf_${pick(r, ALNUM.slice(0, 52), 34)}`,
  'cohere-api-key': (r) => `COHERE_API_KEY="${pick(r, ALNUM, 40)}"`,
  'replicate-api-token': (r) => `r8_${pick(r, ALNUM, 37)}`,
  'wandb-api-key': (r) => `WANDB_API_KEY=${pick(r, HEX, 40)}`,
  'databricks-token': (r) => `dapi${pick(r, HEX, 32)}`,
  'github-token': (r) => `ghp_${pick(r, ALNUM, 36)}`,
  'gitlab-token': (r) => `glpat-${pick(r, `${ALNUM}_-`, 20)}`,
  'ci-token': (r) => `dckr_pat_${pick(r, `${ALNUM}_-`, 27)}`,
  'npm-token': (r) => `npm_${pick(r, ALNUM, 36)}`,
  'pypi-token': (r) => `pypi-AgEIcHlwaS5vcmc${pick(r, `${ALNUM}_-`, 70)}`,
  'slack-token': (r) => `xoxb-${pick(r, '0123456789', 12)}-${pick(r, '0123456789', 13)}-${pick(r, ALNUM, 24)}`,
  'slack-webhook': (r) =>
    `https://hooks.slack.com/services/T${pick(r, B32, 8)}/B${pick(r, B32, 8)}/${pick(r, ALNUM, 24)}`,
  'stripe-key': (r) => `sk_live_${pick(r, ALNUM, 24)}`,
  'twilio-api-key': (r) => `SK${pick(r, HEX, 32)}`,
  'twilio-auth-token': (r) => `TWILIO_ACCOUNT_SID=AC${pick(r, HEX, 32)}\nTWILIO_AUTH_TOKEN=${pick(r, HEX, 32)}`,
  'sendgrid-api-key': (r) => `SG.${pick(r, `${ALNUM}_-`, 22)}.${pick(r, `${ALNUM}_-`, 43)}`,
  'private-key': (r) =>
    `-----BEGIN RSA PRIVATE KEY-----\n${pick(r, B64, 64)}\n${pick(r, B64, 64)}\n${pick(r, B64, 40)}==\n-----END RSA PRIVATE KEY-----`,
  jwt: (r) => {
    const enc = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: pick(r, HEX, 8), iat: 1700000000 })}.${pick(r, `${ALNUM}_-`, 43)}`;
  },
  'connection-string': (r) => `postgres://svc_user:${pick(r, ALNUM, 14)}@db-${pick(r, HEX, 6)}.internal:5432/prod`,
  'generic-secret': (r) => `db_password = "${pick(r, ALNUM, 6)}!${pick(r, ALNUM, 8)}"`,
  'gcp-service-account': (r) =>
    `{"type": "service_account", "project_id": "p-${pick(r, HEX, 6)}", "private_key_id": "${pick(r, HEX, 40)}", "private_key": "-----BEGIN PRIVATE KEY-----\\n${pick(r, B64, 64)}\\n-----END PRIVATE KEY-----\\n"}`,
};

/** A Luhn-valid Visa/Mastercard number that is not a published test number. */
export function cardNumber(r: () => number, prefix = r() < 0.5 ? '4' : '5'): string {
  const lead = prefix === '5' ? `5${1 + Math.floor(r() * 5)}` : prefix;
  let body = lead + pick(r, '0123456789', 15 - lead.length);
  for (let c = 0; c < 10; c++) if (luhn(body + c)) return body + c;
  body = body.slice(0, -1);
  return cardNumber(r, prefix);
}

export function ssnNumber(r: () => number): string {
  const area = String(1 + Math.floor(r() * 664)).padStart(3, '0');
  const group = String(1 + Math.floor(r() * 98)).padStart(2, '0');
  const serial = String(1 + Math.floor(r() * 9998)).padStart(4, '0');
  return `${area === '666' ? '667' : area}-${group}-${serial}`;
}

export function ibanNumber(r: () => number): string {
  const bban = pick(r, '0123456789', 18);
  const moved = `${bban}131400`; // "DE00" moved to the end, letters as numbers
  let rem = 0;
  for (const ch of moved) rem = (rem * 10 + Number(ch)) % 97;
  const check = String(98 - rem).padStart(2, '0');
  return `DE${check}${bban}`.replace(/(.{4})/g, '$1 ').trim();
}

export function aadhaarNumber(r: () => number): string {
  const body = String(2 + Math.floor(r() * 8)) + pick(r, '0123456789', 10);
  for (let c = 0; c < 10; c++) {
    if (verhoeffValid(body + c)) return `${body.slice(0, 4)} ${body.slice(4, 8)} ${body.slice(8)}${c}`;
  }
  return aadhaarNumber(r);
}

const FIRST = ['James', 'Mary', 'Priya', 'Wei', 'Carlos', 'Fatima', 'Hans', 'Olivia', 'Kenji', 'Sofia'];
const LAST = ['Smith', 'Garcia', 'Okafor', 'Nguyen', 'Müller', 'Kowalski', 'Haddad', 'Tanaka', 'Rossi', 'Brown'];
const DOMAINS = ['acme-corp.io', 'mailhost.net', 'contoso.co.uk', 'fastmail.fm', 'univ-lyon.fr'];

export function personName(r: () => number): string {
  return `${FIRST[Math.floor(r() * FIRST.length)]} ${LAST[Math.floor(r() * LAST.length)]}`;
}

export function emailAddress(r: () => number): string {
  return `${pick(r, 'abcdefghijklmnopqrstuvwxyz', 5)}.${pick(r, 'abcdefghijklmnopqrstuvwxyz', 6)}@${DOMAINS[Math.floor(r() * DOMAINS.length)]}`;
}

export function phoneNumber(r: () => number): string {
  return r() < 0.5
    ? `+44 20 ${pick(r, '0123456789', 4)} ${pick(r, '0123456789', 4)}`
    : `(${2 + Math.floor(r() * 7)}${pick(r, '0123456789', 2)}) ${2 + Math.floor(r() * 7)}${pick(r, '0123456789', 2)}-${pick(r, '0123456789', 4)}`;
}

/** Hard negatives: things that look like secrets or PII and are not. */
export const HARD_NEGATIVES: Record<string, (r: () => number) => string> = {
  uuid: (r) => `${pick(r, HEX, 8)}-${pick(r, HEX, 4)}-4${pick(r, HEX, 3)}-a${pick(r, HEX, 3)}-${pick(r, HEX, 12)}`,
  'git-sha': (r) => `commit ${pick(r, HEX, 40)}`,
  sha256: (r) => `sha256:${pick(r, HEX, 64)}`,
  'base64-image': (r) => `data:image/png;base64,iVBORw0KGgo${pick(r, B64, 600)}=`,
  'test-card-doc': () => 'Use the test card 4242 4242 4242 4242 in sandbox mode (see the Stripe docs).',
  version: (r) =>
    `version ${Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 20)}.${Math.floor(r() * 99)}`,
  'private-ip': (r) => `listen on 192.168.${Math.floor(r() * 255)}.${1 + Math.floor(r() * 253)}`,
  'token-count': (r) => `max_tokens: ${Math.floor(r() * 4096)}, tokenizer: "gpt2"`,
  'placeholder-key': () => `OPENAI_API_KEY=$${'{'}OPENAI_API_KEY}  # password = "<your password>"`,
  'example-aws': () => 'AKIAIOSFODNN7EXAMPLE',
  'date-number': (r) =>
    `on 2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)} order #${pick(r, '0123456789', 8)}`,
  'float-values': (r) => `${(r() * 1000).toFixed(6)}, ${(r() * 1000).toFixed(6)}, ${(r() * 1000).toFixed(6)}`,
  'example-email': () => 'send it to user@example.com',
  'doc-connection-string': () =>
    "parse('postgres://someuser:somepassword@somehost:381/somedatabase') and --url=http://foo:bar@registry.npmjs.org",
  'code-member-access': () => 'username: reader.readStringNT(),\n    password: reader.readStringNT(),',
  'env-ref': () => `password: $${'{'}DB_PASSWORD}\napi_key = os.environ["API_KEY"]`,
};
