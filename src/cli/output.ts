import { rename, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * Writes a report. A regular file (or a new one) is written atomically — temp file, then rename —
 * so an interrupted run never leaves half a SARIF file for CI to upload. Anything else (/dev/null,
 * /dev/stdout, a FIFO) is written in place: renaming over a device would replace it with a file.
 */
export async function writeOutput(cwd: string, file: string, text: string): Promise<void> {
  const target = resolve(cwd, file);
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isFile()) {
    await writeFile(target, text);
    return;
  }
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, target);
}
