import { parseRequirement } from './pep508.js';
import { purlOf } from './purl.js';
import { type DeclaredDependency, type Ecosystem, normalizeName } from './types.js';

export type Table = Record<string, unknown>;
export const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export interface DepFields {
  readonly spec?: string;
  readonly rawSpec?: string;
  readonly pinned?: string | undefined;
  readonly extras?: readonly string[];
  readonly markers?: string | undefined;
  readonly url?: string | undefined;
  readonly line?: number | undefined;
  readonly dev?: boolean | undefined;
  readonly optional?: boolean | undefined;
}

/** Builds a dependency with its name normalised and its purl when pinned; empty fields are left out. */
export function declare(ecosystem: Ecosystem, rawName: string, file: string, f: DepFields): DeclaredDependency {
  const name = normalizeName(ecosystem, rawName);
  return {
    ecosystem,
    name,
    spec: f.spec ?? '',
    ...(f.rawSpec !== undefined && f.rawSpec !== (f.spec ?? '') ? { rawSpec: f.rawSpec } : {}),
    ...(f.pinned ? { pinned: f.pinned } : {}),
    ...(f.extras && f.extras.length > 0 ? { extras: f.extras } : {}),
    ...(f.markers ? { markers: f.markers } : {}),
    ...(f.url ? { url: f.url } : {}),
    file,
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.dev ? { dev: true as const } : {}),
    ...(f.optional ? { optional: true as const } : {}),
    ...(f.pinned ? { purl: purlOf(ecosystem, name, f.pinned) } : {}),
  };
}

/** A PEP 508 requirement string as a PyPI dependency; one that does not read is reported in `errors`. */
export function declareRequirement(
  req: string,
  file: string,
  where: Pick<DepFields, 'line' | 'dev' | 'optional'>,
  errors: string[],
): DeclaredDependency | undefined {
  const r = parseRequirement(req);
  if (r === undefined) {
    errors.push(`${file}${where.line ? `:${where.line}` : ''}: cannot read requirement '${req.slice(0, 80)}'`);
    return undefined;
  }
  const { spec, pinned, extras, markers, url } = r;
  return declare('PyPI', r.name, file, { ...where, spec, pinned, extras, markers, url });
}

/** `file: first line of the message`, short: TOML/JSON errors carry code frames we do not want in a report. */
export function errorText(file: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `${file}: ${(msg.split('\n')[0] ?? '').slice(0, 200)}`;
}

/**
 * Where keys and quoted strings sit in a TOML or JSON text, so a dependency read from the parsed
 * document can still name its line. Only the wanted needles are recorded, in one linear pass.
 */
export class LineIndex {
  private readonly keys = new Map<string, number[]>();
  private readonly values = new Map<string, number[]>();

  constructor(text: string, wanted: ReadonlySet<string>) {
    let line = 0;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      line++;
      this.scanLine(text.slice(start, end), line, wanted);
      start = end + 1;
    }
  }

  /** First line at or after `after` where `needle` is a key (`name =`, `"name":`). */
  key(needle: string, after = 0): number | undefined {
    return this.keys.get(needle)?.find((l) => l >= after);
  }

  /** First line where `needle` is a quoted value. */
  value(needle: string): number | undefined {
    return this.values.get(needle)?.[0];
  }

  private scanLine(s: string, line: number, wanted: ReadonlySet<string>): void {
    let i = 0;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    const bare = /^[A-Za-z0-9_-]+/.exec(s.slice(i, i + 256));
    if (bare && wanted.has(bare[0]) && nextNonSpace(s, i + bare[0].length) === '=') this.add(this.keys, bare[0], line);
    for (; i < s.length; i++) {
      const q = s[i];
      if (q !== '"' && q !== "'") continue;
      let j = i + 1;
      while (j < s.length && s[j] !== q) j += s[j] === '\\' && q === '"' ? 2 : 1;
      const content = s.slice(i + 1, j);
      if (wanted.has(content)) {
        const after = nextNonSpace(s, j + 1);
        this.add(after === ':' || after === '=' ? this.keys : this.values, content, line);
      }
      i = j;
    }
  }

  private add(map: Map<string, number[]>, k: string, line: number): void {
    const list = map.get(k);
    if (list === undefined) map.set(k, [line]);
    else if (list.at(-1) !== line) list.push(line);
  }
}

function nextNonSpace(s: string, from: number): string | undefined {
  let i = from;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return s[i];
}
