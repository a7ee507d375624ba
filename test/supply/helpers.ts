import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIO, Command } from '../../src/cli/types.js';

export const OMS = resolve(process.cwd(), '../shared/oms');
export const MT = join(OMS, 'model-transparency');
export const SPEC_VECTORS = join(OMS, 'model-signing-spec/test-vectors/v1.0');
export const CORPUS = resolve(process.cwd(), '../shared/corpus/files');
export const PUB_KEY = join(MT, 'keys/certificate/signing-key-pub.pem');
export const CA_CERT = join(MT, 'keys/certificate/ca-cert.pem');
export const SIGSTORE_IDENTITY = 'stefanb@us.ibm.com';
export const SIGSTORE_ISSUER = 'https://sigstore.verify.ibm.com/oauth2';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in-process with a fake terminal, as `warden <cmd> args` would. */
export async function runCommand(cmd: Command, args: readonly string[], cwd = process.cwd()): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env: {},
    isTTY: false,
  };
  const code = await cmd.run(args, io);
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'warden-supply-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Copies a folder so tests can change it; the shared material is read-only. */
export function copyTree(src: string, dst: string): void {
  cpSync(src, dst, { recursive: true });
}

/**
 * The Sigstore public-good trusted root as a Sigstore client ships it offline: @sigstore/tuf
 * embeds the TUF-verified trusted_root.json in its seeds.json. Written to a file for the CLI.
 */
export function sigstoreTrustedRoot(dir: string): string {
  const seeds = JSON.parse(readFileSync(resolve(process.cwd(), 'node_modules/@sigstore/tuf/seeds.json'), 'utf8'));
  const b64: string = seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'];
  const path = join(dir, 'trusted_root.json');
  writeFileSync(path, Buffer.from(b64, 'base64'));
  return path;
}
