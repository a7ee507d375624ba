// Adds lock entries for platform-specific optional packages (biome, rollup binaries) that npm left
// out because the registry mirror it resolved against lacked their current versions. Without them
// `npm ci` refuses the lock as out of sync with package.json on every machine. Each added entry
// names its os/cpu (read from the package name), so npm skips it on other platforms without fetching.
// Run after `npm install` changes the lock: `npm run lock:complete`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pk = lock.packages;
const OS = ['android', 'darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'openharmony', 'sunos', 'aix', 'netbsd'];
const CPU = {
  x64: 'x64',
  arm64: 'arm64',
  arm: 'arm',
  'arm-eabi': 'arm',
  ia32: 'ia32',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  gnueabihf: null,
  musleabihf: null,
};
let added = 0;
for (const [key, entry] of Object.entries(pk)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    if (pk[at] || pk[`${key}/node_modules/${name}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.map((p) => CPU[p]).find((c) => c);
    if (!os || !cpu) {
      console.error(`skip ${name}`);
      continue;
    }
    const e = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os: [os], cpu: [cpu] };
    if (parts.includes('musl') || parts.includes('musleabihf')) e.libc = ['musl'];
    else if (os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf') || name.startsWith('@biomejs')))
      e.libc = ['glibc'];
    pk[at] = e;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added}`);
