/**
 * Just enough XML for S3's ListObjectsV2 and error bodies. Written with indexOf rather than
 * regular expressions so a hostile body (many open tags, no close) costs linear time.
 */
export function elements(xml: string, tag: string, max = Number.POSITIVE_INFINITY): string[] {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const out: string[] = [];
  let at = 0;
  while (out.length < max) {
    const start = xml.indexOf(open, at);
    if (start < 0) break;
    const end = xml.indexOf(close, start + open.length);
    if (end < 0) break;
    out.push(xml.slice(start + open.length, end));
    at = end + close.length;
  }
  return out;
}

/** Text of the first `<tag>` element, entities decoded. */
export function textOf(xml: string, tag: string): string | undefined {
  const [first] = elements(xml, tag, 1);
  return first === undefined ? undefined : decodeEntities(first);
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (m, e: string) => {
    if (e.startsWith('#x')) return safeChar(Number.parseInt(e.slice(2), 16)) ?? m;
    if (e.startsWith('#')) return safeChar(Number(e.slice(1))) ?? m;
    return NAMED[e] ?? m;
  });
}

function safeChar(cp: number): string | undefined {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
}
