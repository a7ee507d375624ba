/**
 * Markdown/HTML image and link exfiltration (OWASP LLM05:2025 improper output handling; the "markdown image"
 * data-exfiltration channel): a rendered image fetches its URL with no click, so an injected model can
 * send conversation data to an attacker's host in the query string.
 */
export interface ExfilHit {
  readonly start: number;
  readonly end: number;
  readonly kind: 'markdown-image' | 'markdown-link' | 'html-image';
  readonly host: string;
  readonly score: number;
}

// Bounded classes and lengths only: linear on hostile output (covered by the ReDoS test).
const MD_IMAGE = /!\[[^\]\n]{0,300}\]\(\s{0,8}<?([^)\s>]{1,2048})/g;
const MD_LINK = /(?<!!)\[[^\]\n]{0,300}\]\(\s{0,8}<?([^)\s>]{1,2048})/g;
const MD_REF = /^\s{0,3}\[[^\]\n]{1,100}\]:\s{0,8}<?(\S{1,2048})/gm;
const HTML_IMG = /<img\b[^>]{0,500}?\bsrc\s{0,4}=\s{0,4}["']?([^"'\s>]{1,2048})/gi;

export const EXFIL_PATTERNS: readonly RegExp[] = [MD_IMAGE, MD_LINK, MD_REF, HTML_IMG];

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((a) => {
    const x = a.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
    return h === x || h.endsWith(`.${x}`);
  });
}

/** True when the URL carries data: a query value or path segment long enough to hold a secret. */
function carriesData(url: URL): boolean {
  for (const [, v] of url.searchParams) if (v.length >= 8 || /[{$[]/.test(v)) return true;
  if (url.hash.length > 9) return true;
  return url.pathname.split('/').some((seg) => seg.length >= 32);
}

export function findExfiltration(text: string, allowedHosts: readonly string[]): ExfilHit[] {
  const out: ExfilHit[] = [];
  const visit = (re: RegExp, kind: ExfilHit['kind']): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null && out.length < 64; m = re.exec(text)) {
      let url: URL;
      try {
        url = new URL(m[1]!);
      } catch {
        continue; // relative links stay on the host that rendered them
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      if (hostAllowed(url.hostname, allowedHosts)) continue;
      const data = carriesData(url);
      const image = kind !== 'markdown-link';
      // An image auto-loads: any foreign host sees the request. A link needs a click and is common, so
      // it only counts when it carries data.
      const score = image ? (data ? 0.95 : 0.7) : data ? 0.7 : 0.2;
      out.push({ start: m.index, end: m.index + m[0].length, kind, host: url.hostname, score });
    }
  };
  visit(MD_IMAGE, 'markdown-image');
  visit(MD_LINK, 'markdown-link');
  visit(MD_REF, 'markdown-link');
  visit(HTML_IMG, 'html-image');
  return out;
}
