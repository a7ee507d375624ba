import type { ScanProgress } from '../io/scan-files.js';

/** A one-line progress bar on stderr, redrawn at most every 100 ms; silent when not a TTY. */
export function progressBar(write: (s: string) => void, enabled: boolean) {
  let last = 0;
  let shown = false;
  const render = (p: ScanProgress) => {
    const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.filesTotal > 0 ? p.filesDone / p.filesTotal : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    write(
      `\r${bar} ${p.filesDone}/${p.filesTotal} files  ${humanBytes(p.bytesDone)}/${humanBytes(p.bytesTotal)}\x1b[K`,
    );
    shown = true;
  };
  return {
    update(p: ScanProgress) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && p.filesDone < p.filesTotal) return;
      last = now;
      render(p);
    },
    clear() {
      if (shown) write('\r\x1b[K');
    },
  };
}

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
