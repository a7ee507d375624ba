import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = process.cwd();
const DEV_ENTRY = resolve(REPO_ROOT, 'test/integrations/warden-dev.ts');
// tsx's loader by absolute path: the integrations run Warden from a fixture repository's folder.
const TSX_LOADER = pathToFileURL(resolve(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The command line that runs Warden from source (what WARDEN_BIN is set to in the integration scripts). */
export const WARDEN_BIN = `node --import ${TSX_LOADER} ${DEV_ENTRY}`;

/** A folder holding an executable `warden` that runs the sources, for hooks that call `warden` from PATH. */
export function wardenShimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-shim-'));
  const shim = join(dir, 'warden');
  writeFileSync(shim, `#!/usr/bin/env bash\nexec node --import "${TSX_LOADER}" "${DEV_ENTRY}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

export function readYaml(path: string): unknown {
  return parse(readFileSync(resolve(REPO_ROOT, path), 'utf8'));
}

/** `key=value` lines of a GITHUB_OUTPUT file. */
export function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
