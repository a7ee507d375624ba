import { casings, isAlnum } from './helpers.js';
import type { Detector, RawMatch } from './types.js';

/*
 * E-mail addresses are found from each `@` by expanding left and right over the allowed
 * characters with hard caps: linear, and no regex backtracking over long local parts.
 */

const FILE_TLDS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'ico',
  'js',
  'ts',
  'css',
  'py',
  'md',
  'json',
  'txt',
  'html',
  'pdf',
  'zip',
  'gz',
  'tar',
  'pt',
  'bin',
  'onnx',
  'pkl',
  'yaml',
  'yml',
  'lock',
  'map',
  'mjs',
  'cjs',
  'tsx',
  'jsx',
]);
const MAILTO = /mailto:$/i;
const RESERVED = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$/i;

function isLocalChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
function isDomainChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 45;
}

export const email: Detector = {
  id: 'email',
  kind: 'pii',
  label: 'E-mail address',
  anchors: ['@'],
  patterns: [RESERVED, MAILTO],
  context: ['email', 'e-mail', 'mail', 'contact', 'from:', 'to:', 'cc:'],
  find(text, hits) {
    const out: RawMatch[] = [];
    for (const at of hits) {
      let s = at;
      while (s > 0 && at - s < 65 && isLocalChar(text.charCodeAt(s - 1))) s--;
      if (s === at || at - s > 64 || text.charCodeAt(s) === 46) continue;
      // `scheme://user:pass@host` is URL userinfo, not an address (but `mailto:` is one).
      const before = text.charCodeAt(s - 1);
      if (before === 47 || (before === 58 && !MAILTO.test(text.slice(Math.max(0, s - 7), s)))) continue;
      let e = at + 1;
      let lastDot = -1;
      while (e < text.length && e - at < 254 && isDomainChar(text.charCodeAt(e))) {
        if (text.charCodeAt(e) === 46) lastDot = e;
        e++;
      }
      // A trailing dot ends the sentence, not the domain.
      while (e > at + 1 && text.charCodeAt(e - 1) === 46) {
        e--;
        lastDot = text.lastIndexOf('.', e - 1);
      }
      if (lastDot <= at + 1) continue;
      const tld = text.slice(lastDot + 1, e);
      if (tld.length < 2 || tld.length > 24 || !/^[A-Za-z]+$/.test(tld) || FILE_TLDS.has(tld.toLowerCase())) continue;
      const domain = text.slice(at + 1, e);
      const local = text.slice(s, at);
      // Documentation domains (RFC 2606) are nobody's address.
      if (RESERVED.test(domain)) continue;
      let score = 0.9;
      if (local === 'git' || /^(?:noreply|no-reply)$/i.test(local)) score = 0.3;
      out.push({ start: s, end: e, score });
    }
    return out;
  },
};

/** A few hundred common given names across regions; a match raises a "Name:"-context hit. */
const FIRST_NAMES = new Set(
  (
    'james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark ' +
    'donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary ' +
    'nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander patrick frank raymond ' +
    'jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter christian ' +
    'keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel joe ' +
    'logan alan juan albert willie elijah wayne randy vincent mason roy ralph bobby russell bradley philip eugene ' +
    'mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra margaret ashley ' +
    'kimberly emily donna michelle carol amanda melissa deborah stephanie dorothy rebecca sharon laura cynthia amy ' +
    'kathleen angela shirley brenda emma anna pamela nicole samantha katherine christine helen debra rachel carolyn ' +
    'janet maria catherine heather diane olivia julie joyce victoria ruth virginia lauren kelly christina joan evelyn ' +
    'judith andrea hannah megan cheryl jacqueline martha madison teresa gloria sara janice ann kathryn abigail sophia ' +
    'frances jean alice judy isabella julia grace amber denise danielle marilyn beverly charlotte natalie theresa diana ' +
    'brittany doris kayla alexis lori marie mohammed muhammad ahmed ali fatima aisha omar hassan priya rahul amit ' +
    'anil sunita deepak ravi arjun wei li zhang wang chen liu yang hiroshi yuki kenji sakura haruto min-jun ji-woo ' +
    'carlos luis miguel javier alejandro sofia lucia valentina camila diego pablo jorge ana carmen elena pedro ' +
    'hans klaus jürgen stefan andreas anja katrin lukas jan pieter sven lars erik ingrid olga ivan dmitri sergei ' +
    'natasha pierre jean-pierre marie-claire françois isabelle nathalie giovanni giuseppe francesca alessandro chiara'
  ).split(' '),
);

const NAME_LEAD =
  /(?:[Nn]ame|NAME)[A-Za-z_]{0,12}["']?\s{0,3}[:=]\s{0,3}["']?|(?:Mr|Mrs|Ms|Dr|Prof)\.?\s{1,3}|Dear\s{1,3}|[Pp]atient:?\s{1,3}|[Cc]ustomer:?\s{1,3}|[Ss]igned,?\s{1,3}/y;
const NAME = /\p{Lu}[\p{Ll}'’-]{1,20}(?:\s\p{Lu}\.)?(?:\s\p{Lu}[\p{Ll}'’-]{1,25}){1,2}/uy;
const STRONG_LEAD = /^(?:Mr|Mrs|Ms|Dr|Prof|Dear|[Pp]atient)/;

/** Person names only after words that introduce one ("Name:", "Mr.", "Dear", "patient"). */
export const personName: Detector = {
  id: 'person-name',
  kind: 'pii',
  label: 'Person name',
  anchors: [
    ...casings('name'),
    'Mr',
    'Mrs',
    'Ms',
    'Dr',
    'Prof',
    'Dear',
    'patient',
    'Patient',
    'customer',
    'Customer',
    'signed',
    'Signed',
  ],
  patterns: [NAME_LEAD, NAME, STRONG_LEAD],
  context: ['patient', 'customer', 'employee', 'contact', 'applicant', 'full name', 'passenger'],
  find(text, hits) {
    const out: RawMatch[] = [];
    let lastEnd = -1;
    for (const p of hits) {
      if (p < lastEnd) continue;
      const prev = text.charCodeAt(p - 1);
      if (p > 0 && ((prev >= 97 && prev <= 122) || (prev >= 65 && prev <= 90))) continue;
      NAME_LEAD.lastIndex = p;
      const lead = NAME_LEAD.exec(text);
      if (!lead) continue;
      const s = p + lead[0].length;
      NAME.lastIndex = s;
      const m = NAME.exec(text);
      if (!m) continue;
      const e = s + m[0].length;
      if (e < text.length && isAlnum(text.charCodeAt(e))) continue;
      const first = m[0].split(/\s/)[0]!.toLowerCase();
      let score = STRONG_LEAD.test(lead[0]) ? 0.6 : 0.4;
      if (FIRST_NAMES.has(first)) score += 0.25;
      lastEnd = e;
      out.push({ start: s, end: e, score });
    }
    return out;
  },
};

const SUFFIXES = [
  'Street',
  'St.',
  'Avenue',
  'Ave.',
  'Ave',
  'Road',
  'Rd.',
  'Boulevard',
  'Blvd',
  'Lane',
  'Drive',
  'Court',
  'Way',
  'Place',
  'Terrace',
  'Parkway',
  'Highway',
  'Strasse',
  'Square',
];
const HOUSE = /(?:^|[^\p{L}\p{N}])(\d{1,6}[A-Za-z]?,?\s(?:[NSEW]\.?\s)?(?:\p{Lu}[\p{Ll}'’.-]{1,20}\s){1,3})$/u;

/** A house number, one to three capitalised words and a street-type word. */
export const streetAddress: Detector = {
  id: 'street-address',
  kind: 'pii',
  label: 'Street address',
  anchors: SUFFIXES,
  patterns: [HOUSE],
  context: [
    'address',
    'lives at',
    'live at',
    'ship to',
    'shipping',
    'billing',
    'located at',
    'residence',
    'home',
    'mail to',
  ],
  find(text, hits) {
    const out: RawMatch[] = [];
    for (const p of hits) {
      const suffix = SUFFIXES.find((w) => text.startsWith(w, p)) ?? '';
      const e = p + suffix.length;
      if (e < text.length && isAlnum(text.charCodeAt(e))) continue;
      const back = text.slice(Math.max(0, p - 80), p);
      const m = HOUSE.exec(back);
      if (!m) continue;
      out.push({ start: p - m[1]!.length, end: e, score: 0.5 });
    }
    return out;
  },
};

export const TEXT_PII_DETECTORS: readonly Detector[] = [email, personName, streetAddress];
