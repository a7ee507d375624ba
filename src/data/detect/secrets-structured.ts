import { endsClean, startsClean } from './helpers.js';
import type { Detector, RawMatch } from './types.js';

/*
 * Secrets recognised by structure rather than by a prefix alone: PEM blocks (to their END line),
 * JSON Web Tokens (base64url JSON header), and URLs with a password in their userinfo.
 */

const DOC_WORDS = ['example', 'sample', 'dummy', 'placeholder', 'your_', 'your-', 'redacted', 'fake'];

const PEM = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/y;
/** A PEM private-key block; the range runs to the matching END line (also inside JSON strings). */
export const privateKey: Detector = {
  id: 'private-key',
  kind: 'secret',
  label: 'Private key (PEM)',
  anchors: ['-----BEGIN '],
  patterns: [PEM],
  negativeContext: ['example', 'dummy'],
  find(text, hits) {
    const out: RawMatch[] = [];
    for (const p of hits) {
      PEM.lastIndex = p;
      const m = PEM.exec(text);
      if (!m) continue;
      const endMarker = `-----END ${m[1]}-----`;
      // Search a bounded window: a text full of BEGIN lines must not cost a full scan per line.
      const from = p + m[0].length;
      const rel = text.slice(from, p + 8000).indexOf(endMarker);
      const e = rel === -1 ? -1 : from + rel;
      const closed = e !== -1;
      const end = closed ? e + endMarker.length : Math.min(text.length, p + m[0].length + 64);
      const body = text.slice(p + m[0].length, closed ? e : end).replace(/\\n|\s/g, '');
      // A header followed by nothing key-like is a code sample that mentions the marker.
      if (body.length < 40 && closed) continue;
      out.push({ start: p, end, score: closed ? 0.97 : 0.7 });
    }
    return out;
  },
};

function isB64Url(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

/** End of the base64url run starting at `i`, looking at most `max` characters. */
function b64Run(text: string, i: number, max: number): number {
  const stop = Math.min(text.length, i + max);
  while (i < stop && isB64Url(text.charCodeAt(i))) i++;
  return i;
}

function b64urlJson(s: string): Record<string, unknown> | undefined {
  try {
    const json = atob(
      s
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(s.length / 4) * 4, '='),
    );
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * header.payload.signature, each base64url, header and payload starting `eyJ` (`{"`). Scanned by
 * hand rather than with a regex: runs of base64url characters are walked once, and anchors inside
 * a run already known to lack the `.` are skipped, so `eyJeyJeyJ…` costs linear time.
 */
export const jwt: Detector = {
  id: 'jwt',
  kind: 'secret',
  label: 'JSON Web Token',
  anchors: ['eyJ'],
  patterns: [],
  find(text, hits) {
    const out: RawMatch[] = [];
    let deadUntil = -1;
    let lastEnd = -1;
    for (const p of hits) {
      if (p < deadUntil || p < lastEnd || !startsClean(text, p)) continue;
      const h = b64Run(text, p, 2000);
      if (text.charCodeAt(h) !== 46 || h - p < 11 || !text.startsWith('eyJ', h + 1)) {
        deadUntil = h;
        continue;
      }
      const pl = b64Run(text, h + 1, 8000);
      if (text.charCodeAt(pl) !== 46 || pl - h - 1 < 7) {
        deadUntil = pl;
        continue;
      }
      const e = b64Run(text, pl + 1, 2000);
      if (!endsClean(text, e)) continue;
      const header = b64urlJson(text.slice(p, h));
      if (!header || typeof header.alg !== 'string') continue;
      const sig = e - pl - 1;
      out.push({ start: p, end: e, score: header.alg === 'none' || sig < 16 ? 0.55 : 0.85 });
      lastEnd = e;
    }
    return out;
  },
};

const SCHEME_TAIL =
  /(?:jdbc:[a-z]{2,12}|postgres(?:ql)?|mysql|mariadb|mongodb\+srv|mongodb|rediss?|amqps?|mssql|sqlserver|ftps?|sftp|smtps?|https?)$/i;
const CREDS = /:\/\/([^\s:@/"'<>]{1,128}):([^\s@/"'<>]{1,256})@[^\s/"'<>:]{1,253}/y;
const PLACEHOLDER =
  /^(?:\*+|x+|\.+|<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{[^}]*\}\}|%[A-Za-z_(][^%]*|password|passwd|pass|pwd|secret|changeme|user|username|\[[^\]]*\])$/i;
/** Documentation passwords: `somepassword`, `mypass`, `foo:bar`, `your_password`. */
const PLACEHOLDER_WORDS =
  /passw|secret|changeme|example|placeholder|dummy|^(?:foo|bar|baz|qux|pass|mypass|test|testing|admin|root|guest)$/i;
const DB_SCHEMES = /^(?:postgres|mysql|mariadb|mongodb|redis|amqp|mssql|sqlserver|jdbc)/;

/** URLs carrying user:password@host; the password must not be a placeholder or variable. */
export const connectionString: Detector = {
  id: 'connection-string',
  kind: 'secret',
  label: 'Connection string with password',
  anchors: ['://'],
  patterns: [SCHEME_TAIL, CREDS, PLACEHOLDER, PLACEHOLDER_WORDS, DB_SCHEMES],
  negativeContext: DOC_WORDS,
  find(text, hits) {
    const out: RawMatch[] = [];
    for (const p of hits) {
      const back = text.slice(Math.max(0, p - 20), p);
      const sm = SCHEME_TAIL.exec(back);
      if (!sm) continue;
      const s = p - sm[0].length;
      if (s > 0 && /[A-Za-z]/.test(text[s - 1] ?? '')) continue;
      CREDS.lastIndex = p;
      const m = CREDS.exec(text);
      if (!m) continue;
      const password = m[2] ?? '';
      if (PLACEHOLDER.test(password) || PLACEHOLDER_WORDS.test(password) || password.length < 3) continue;
      const score = DB_SCHEMES.test(sm[0].toLowerCase()) ? 0.9 : 0.7;
      out.push({ start: s, end: p + m[0].length, score });
    }
    return out;
  },
};
