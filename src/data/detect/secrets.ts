import { hasTokenShape, looksLikeDigestOrId, shannon } from './entropy.js';
import { casings, endsClean, execAllWindow, execWindow, prefixDetector, startsClean } from './helpers.js';
import { connectionString, jwt, privateKey } from './secrets-structured.js';
import type { Detector, RawMatch } from './types.js';

/*
 * Secret detectors. Formats are taken from each vendor's published token formats (prefixes and
 * lengths); every pattern is sticky at an anchor or runs on a bounded window, so the cost is
 * linear in the text and bounded per anchor hit.
 */

const DOC_WORDS = ['example', 'sample', 'dummy', 'placeholder', 'your_', 'your-', 'redacted', 'fake'];

function entropyGate(min: number, score: number) {
  return (v: string) => (shannon(v) >= min ? score : 0);
}

const openaiKey = prefixDetector({
  id: 'openai-api-key',
  label: 'OpenAI API key',
  anchors: ['sk-'],
  pattern: /sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,200}/y,
  score: 0.9,
  validate(v) {
    if (v.startsWith('sk-ant-')) return 0; // Anthropic's own detector owns these
    if (v.includes('T3BlbkFJ')) return 0.97; // base64 of "OpenAI" sits in the middle of legacy keys
    if (/^sk-(?:proj|svcacct|admin)-/.test(v)) return v.length >= 40 && shannon(v) >= 4 ? 0.93 : 0;
    return v.length >= 40 && hasTokenShape(v) && shannon(v) >= 4.2 ? 0.75 : 0;
  },
  negativeContext: DOC_WORDS,
});

const anthropicKey = prefixDetector({
  id: 'anthropic-api-key',
  label: 'Anthropic API key',
  anchors: ['sk-ant-'],
  pattern: /sk-ant-(?:api|admin|sid)?\d{0,2}-?[A-Za-z0-9_-]{32,200}/y,
  score: 0.95,
  validate: entropyGate(3.8, 0.95),
  negativeContext: DOC_WORDS,
});

const awsAccessKey = prefixDetector({
  id: 'aws-access-key',
  label: 'AWS access key ID',
  anchors: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  pattern: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}/y,
  score: 0.9,
  validate: (v) => (v.endsWith('EXAMPLE') ? 0.3 : shannon(v) >= 3.2 ? 0.9 : 0.4),
  negativeContext: DOC_WORDS,
});

const AWS_SECRET_WORDS = [
  'aws_secret_access_key',
  'AWS_SECRET_ACCESS_KEY',
  'SecretAccessKey',
  'secretAccessKey',
  'secret_access_key',
  'aws_secret_key',
  'AWS_SECRET_KEY',
];
const AWS_SECRET_VALUE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** 40 base64 characters next to an access key id or a secret-key field name. */
const awsSecretKey: Detector = {
  id: 'aws-secret-key',
  kind: 'secret',
  label: 'AWS secret access key',
  anchors: [...AWS_SECRET_WORDS, 'AKIA', 'ASIA'],
  patterns: [AWS_SECRET_VALUE],
  negativeContext: DOC_WORDS,
  find(text, hits) {
    const out: RawMatch[] = [];
    const seen = new Set<number>();
    let lastLook = Number.NEGATIVE_INFINITY;
    for (const p of hits) {
      // Anchors closer than 64 chars share a window; this bounds the work on anchor-dense text.
      if (p - lastLook < 64) continue;
      lastLook = p;
      const byKeyId = text.startsWith('AKIA', p) || text.startsWith('ASIA', p);
      const [from, to] = byKeyId ? [p - 300, p + 320] : [p, p + 160];
      for (const { index, m } of execAllWindow(AWS_SECRET_VALUE, text, from, to)) {
        const v = m[0];
        if (seen.has(index) || !hasTokenShape(v) || shannon(v) < 4 || looksLikeDigestOrId(v)) continue;
        if (v.endsWith('EXAMPLEKEY')) continue;
        seen.add(index);
        out.push({ start: index, end: index + 40, score: byKeyId ? 0.75 : 0.9 });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  },
};

const gcpApiKey = prefixDetector({
  id: 'gcp-api-key',
  label: 'Google Cloud API key',
  anchors: ['AIza'],
  pattern: /AIza[0-9A-Za-z_-]{35}/y,
  score: 0.9,
  negativeContext: DOC_WORDS,
});

const GCP_SA = /\\?"type\\?"\s{0,4}:\s{0,4}\\?"service_account/g;
/** A service-account JSON: the type marker with a private key in the same object. */
const gcpServiceAccount: Detector = {
  id: 'gcp-service-account',
  kind: 'secret',
  label: 'Google Cloud service-account key file',
  anchors: ['service_account'],
  patterns: [GCP_SA],
  find(text, hits) {
    const out: RawMatch[] = [];
    // Positions of the key fields, found once, so each marker checks its ±4000-char window by
    // binary search instead of rescanning it (linear on text dense with markers).
    const keys = positions(text, 'private_key');
    const begins = positions(text, 'BEGIN');
    for (const p of hits) {
      const hit = execWindow(GCP_SA, text, p - 40, p + 20);
      if (!hit) continue;
      if (!near(keys, p, 4000) || !near(begins, p, 4000)) continue;
      out.push({ start: hit.index, end: hit.index + hit.m[0].length, score: 0.95 });
    }
    return out;
  },
};

function positions(text: string, word: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + word.length)) out.push(i);
  return out;
}

/** True when a sorted position list has an entry within `radius` of `p`. */
function near(sorted: readonly number[], p: number, radius: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < p - radius) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= p + radius;
}

const azureStorageKey = prefixDetector({
  id: 'azure-storage-key',
  label: 'Azure storage account key',
  anchors: ['AccountKey='],
  pattern: /AccountKey=[A-Za-z0-9+/]{86}==/y,
  score: 0.95,
  negativeContext: DOC_WORDS,
});

const AZ_SECRET = /[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/y;
/** Entra ID (Azure AD) client secrets carry `Q~` after three characters and a digit. */
const azureClientSecret: Detector = {
  id: 'azure-client-secret',
  kind: 'secret',
  label: 'Azure (Entra ID) client secret',
  anchors: ['Q~'],
  patterns: [AZ_SECRET],
  negativeContext: DOC_WORDS,
  find(text, hits) {
    const out: RawMatch[] = [];
    for (const p of hits) {
      const s = p - 4;
      if (s < 0 || !startsClean(text, s)) continue;
      AZ_SECRET.lastIndex = s;
      const m = AZ_SECRET.exec(text);
      if (!m || !endsClean(text, s + m[0].length) || shannon(m[0]) < 3.8) continue;
      out.push({ start: s, end: s + m[0].length, score: 0.85 });
    }
    return out;
  },
};

const huggingface = prefixDetector({
  id: 'huggingface-token',
  label: 'Hugging Face access token',
  anchors: ['hf_'],
  pattern: /hf_[A-Za-z0-9]{30,40}/y,
  score: 0.9,
  validate: (v) => (hasTokenShape(v.slice(3)) || shannon(v) >= 4 ? 0.9 : 0),
  negativeContext: DOC_WORDS,
});

const replicate = prefixDetector({
  id: 'replicate-api-token',
  label: 'Replicate API token',
  anchors: ['r8_'],
  pattern: /r8_[A-Za-z0-9]{37}/y,
  score: 0.9,
  validate: entropyGate(3.8, 0.9),
  negativeContext: DOC_WORDS,
});

const databricks = prefixDetector({
  id: 'databricks-token',
  label: 'Databricks personal access token',
  anchors: ['dapi'],
  pattern: /dapi[0-9a-f]{32}(?:-\d)?/y,
  score: 0.9,
  validate: entropyGate(3.2, 0.9),
  negativeContext: DOC_WORDS,
});

const github = prefixDetector({
  id: 'github-token',
  label: 'GitHub token',
  anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  pattern: /(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})/y,
  score: 0.95,
  validate: entropyGate(3.5, 0.95),
  negativeContext: DOC_WORDS,
});

const gitlab = prefixDetector({
  id: 'gitlab-token',
  label: 'GitLab token',
  anchors: ['glpat-', 'glptt-', 'gldt-', 'glrt-', 'GR1348941'],
  pattern: /(?:glpat-|glptt-|gldt-|glrt-|GR1348941)[A-Za-z0-9_-]{20,64}/y,
  score: 0.92,
  validate: entropyGate(3.3, 0.92),
  negativeContext: DOC_WORDS,
});

const ciToken = prefixDetector({
  id: 'ci-token',
  label: 'CI/CD or registry token (CircleCI, Buildkite, Docker Hub, Vercel)',
  anchors: ['CCIPAT_', 'bkua_', 'dckr_pat_', 'vcp_'],
  pattern:
    /(?:CCIPAT_[A-Za-z0-9]{22}_[0-9a-f]{40}|bkua_[0-9a-f]{40}|dckr_pat_[A-Za-z0-9_-]{27}|vcp_[A-Za-z0-9]{24,64})/y,
  score: 0.9,
  negativeContext: DOC_WORDS,
});

const npm = prefixDetector({
  id: 'npm-token',
  label: 'npm access token',
  anchors: ['npm_'],
  pattern: /npm_[A-Za-z0-9]{36}/y,
  score: 0.9,
  validate: (v) => (hasTokenShape(v.slice(4)) && shannon(v) >= 4 ? 0.9 : 0),
  negativeContext: DOC_WORDS,
});

const pypi = prefixDetector({
  id: 'pypi-token',
  label: 'PyPI API token',
  anchors: ['pypi-AgE'],
  pattern: /pypi-AgE[A-Za-z0-9_-]{50,300}/y,
  score: 0.95,
});

const slackToken = prefixDetector({
  id: 'slack-token',
  label: 'Slack token',
  anchors: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxs-', 'xoxe-', 'xapp-'],
  pattern: /(?:xox[bpase]|xapp)-(?:\d{1,20}-){0,3}[A-Za-z0-9-]{10,120}/y,
  score: 0.92,
  validate: (v) => (/\d/.test(v) && shannon(v) >= 3.3 ? 0.92 : 0),
  negativeContext: DOC_WORDS,
});

const slackWebhook = prefixDetector({
  id: 'slack-webhook',
  label: 'Slack incoming-webhook URL',
  anchors: ['hooks.slack.com/'],
  cleanStart: false,
  pattern: /hooks\.slack\.com\/(?:services|workflows)\/[A-Z0-9]{8,12}\/[A-Z0-9]{8,12}\/[A-Za-z0-9]{20,32}/y,
  score: 0.9,
  negativeContext: DOC_WORDS,
});

const stripe = prefixDetector({
  id: 'stripe-key',
  label: 'Stripe live secret or restricted key',
  anchors: ['sk_live_', 'rk_live_'],
  pattern: /[sr]k_live_[0-9A-Za-z]{20,99}/y,
  score: 0.95,
  negativeContext: DOC_WORDS,
});

const TWILIO_SID = /AC[0-9a-f]{32}/;
const TWILIO_SECRET = /(?<![A-Za-z0-9])[0-9a-f]{32}(?![A-Za-z0-9])/g;
const twilioKey = prefixDetector({
  id: 'twilio-api-key',
  label: 'Twilio API key SID',
  anchors: ['SK'],
  pattern: /SK[0-9a-f]{32}/y,
  score: 0.8,
  validate: entropyGate(3.2, 0.8),
});

/** Twilio auth tokens are 32 hex characters with nothing distinctive: only next to the word. */
const twilioAuth: Detector = {
  id: 'twilio-auth-token',
  kind: 'secret',
  label: 'Twilio auth token',
  anchors: casings('twilio_auth_token', 'auth_token', 'authToken'),
  patterns: [TWILIO_SECRET, TWILIO_SID],
  find(text, hits) {
    const out: RawMatch[] = [];
    for (const p of hits) {
      const near = text.slice(Math.max(0, p - 200), p + 200);
      const lower = near.toLowerCase();
      if (!lower.includes('twilio') && !lower.includes('account_sid') && !TWILIO_SID.test(near)) continue;
      const hit = execWindow(TWILIO_SECRET, text, p, p + 100);
      if (hit && shannon(hit.m[0]) >= 3.2) out.push({ start: hit.index, end: hit.index + 32, score: 0.85 });
    }
    return out;
  },
};

const sendgrid = prefixDetector({
  id: 'sendgrid-api-key',
  label: 'SendGrid API key',
  anchors: ['SG.'],
  pattern: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/y,
  score: 0.95,
});

/** Providers whose keys have no prefix: a 40-character token right after the provider's name. */
function namedKeyDetector(id: string, label: string, words: string[], value: RegExp): Detector {
  return {
    id,
    kind: 'secret',
    label,
    anchors: casings(...words),
    patterns: [value],
    negativeContext: DOC_WORDS,
    find(text, hits) {
      const out: RawMatch[] = [];
      let lastEnd = -1;
      for (const p of hits) {
        if (p < lastEnd) continue;
        const hit = execWindow(value, text, p, p + 120);
        if (!hit || !hasTokenShape(hit.m[0]) || shannon(hit.m[0]) < 3.5) continue;
        lastEnd = hit.index + hit.m[0].length;
        out.push({ start: hit.index, end: lastEnd, score: 0.8 });
      }
      return out;
    },
  };
}

const cohere = namedKeyDetector(
  'cohere-api-key',
  'Cohere API key',
  ['cohere', 'co_api_key'],
  /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g,
);
const wandb = namedKeyDetector(
  'wandb-api-key',
  'Weights & Biases API key',
  ['wandb', 'WANDB_API_KEY'],
  /(?<![A-Za-z0-9])(?:local-)?[0-9a-f]{40}(?![A-Za-z0-9])/g,
);

export const SECRET_DETECTORS: readonly Detector[] = [
  awsAccessKey,
  awsSecretKey,
  gcpApiKey,
  gcpServiceAccount,
  azureStorageKey,
  azureClientSecret,
  openaiKey,
  anthropicKey,
  huggingface,
  cohere,
  replicate,
  wandb,
  databricks,
  github,
  gitlab,
  ciToken,
  npm,
  pypi,
  slackToken,
  slackWebhook,
  stripe,
  twilioKey,
  twilioAuth,
  sendgrid,
  privateKey,
  jwt,
  connectionString,
];
