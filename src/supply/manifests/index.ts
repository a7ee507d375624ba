import { errorText } from './common.js';
import { parsePackageJson } from './package-json.js';
import { parsePackageLock } from './package-lock.js';
import { parsePipfileLock } from './pipfile-lock.js';
import { parsePoetryLock } from './poetry-lock.js';
import { parsePyproject } from './pyproject.js';
import { parseRequirementsTxt } from './requirements.js';
import type { DeclaredDependency, ParsedManifest } from './types.js';

export { purlOf } from './purl.js';
export type { DeclaredDependency, Ecosystem, ParsedManifest } from './types.js';
export { normalizeName, normalizePypiName } from './types.js';

export type ManifestKind =
  | 'requirements'
  | 'pyproject'
  | 'pipfile-lock'
  | 'poetry-lock'
  | 'package-json'
  | 'package-lock';

type Parser = (text: string, file: string, errors: string[]) => DeclaredDependency[];

/** Each manifest kind: how its file is named, and its parser. */
const KINDS: readonly (readonly [ManifestKind, RegExp, Parser])[] = [
  ['requirements', /^requirements(?:[-_.][\w.-]{0,64})?\.(?:txt|in)$/i, parseRequirementsTxt],
  ['pyproject', /^pyproject\.toml$/, parsePyproject],
  ['pipfile-lock', /^Pipfile\.lock$/, parsePipfileLock],
  ['poetry-lock', /^poetry\.lock$/, parsePoetryLock],
  ['package-json', /^package\.json$/, parsePackageJson],
  ['package-lock', /^package-lock\.json$/, parsePackageLock],
];

export const MANIFEST_KINDS: readonly ManifestKind[] = KINDS.map(([k]) => k);

/** The manifest kind a file's base name says it is, or undefined for any other file. */
export function manifestKind(fileName: string): ManifestKind | undefined {
  return KINDS.find(([, re]) => re.test(fileName))?.[0];
}

/** Manifests are text a human or a locker wrote; past this many dependencies it is not one. */
const MAX_DEPS = 100_000;

/** Parses one manifest's text; malformed input yields errors, never an exception. */
export function parseManifest(kind: ManifestKind, text: string, file: string): ParsedManifest {
  const parser = KINDS.find(([k]) => k === kind)![2];
  const errors: string[] = [];
  let deps: DeclaredDependency[] = [];
  try {
    // A byte-order mark is legal in these files but JSON.parse rejects it.
    deps = parser(text.startsWith('\uFEFF') ? text.slice(1) : text, file, errors);
  } catch (e) {
    errors.push(errorText(file, e));
  }
  if (deps.length > MAX_DEPS) errors.push(`${file}: more than ${MAX_DEPS} dependencies; the rest are not read`);
  return { dependencies: deps.slice(0, MAX_DEPS), errors };
}
