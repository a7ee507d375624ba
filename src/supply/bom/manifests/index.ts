import type { DeclaredDependency } from '../types.js';
import { parsePipfileLock, parsePoetryLock } from './lockfiles.js';
import { parsePackageJson } from './package-json.js';
import { parsePyproject } from './pyproject.js';
import { parseRequirementsTxt } from './requirements.js';

type Parser = (text: string, source: string) => DeclaredDependency[];

/** Manifest and lockfile parsers, keyed by how the file is named. */
const BY_NAME: readonly (readonly [RegExp, Parser])[] = [
  [/^requirements([-_.][A-Za-z0-9_.-]{0,64})?\.(txt|in)$/, parseRequirementsTxt],
  [/^pyproject\.toml$/, parsePyproject],
  [/^Pipfile\.lock$/, parsePipfileLock],
  [/^poetry\.lock$/, parsePoetryLock],
  [/^package\.json$/, parsePackageJson],
];

export function manifestParser(baseName: string): Parser | undefined {
  return BY_NAME.find(([re]) => re.test(baseName))?.[1];
}

/** A manifest that does not parse is reported, never fatal: the BOM still lists everything else. */
export function parseManifest(
  baseName: string,
  text: string,
  source: string,
): { deps: DeclaredDependency[]; error?: string } {
  const parser = manifestParser(baseName);
  if (!parser) return { deps: [] };
  try {
    return { deps: parser(text, source) };
  } catch (e) {
    return { deps: [], error: `${source}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}
