import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Writes a report atomically, so an interrupted run never leaves half a SARIF file for CI to upload. */
export async function writeOutput(cwd: string, file: string, text: string): Promise<void> {
  const target = resolve(cwd, file);
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, target);
}
