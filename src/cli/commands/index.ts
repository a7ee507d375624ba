import { dropPrestartedScanWorker, prestartScanWorker } from '../../io/scan-worker-start.js';
import type { Command } from '../types.js';

/** A command known by name; its module (and everything it imports) loads only when it runs. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
  /** Work started before the module loads, to overlap with it (the scan's first worker). */
  readonly prepare?: (args: readonly string[]) => void;
  /** Ends what `prepare` started and the run did not take over. */
  readonly release?: () => Promise<void>;
}

/**
 * Every command, in the order `warden --help` lists them. One explicit list, no registration by
 * import; each entry imports its module lazily, so `warden scan` never pays for the guard's model
 * or the signing stack, and `warden --version` starts instantly.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    load: async () => (await import('./scan.js')).scanCommand,
    prepare: (args) => {
      if (!inProcessScan(args)) prestartScanWorker();
    },
    release: dropPrestartedScanWorker,
  },
  { name: 'audit', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'data', load: async () => (await import('./data.js')).dataCommand },
  { name: 'guard', load: async () => (await import('./guard.js')).guardCommand },
  { name: 'gateway', load: async () => (await import('./gateway.js')).gatewayCommand },
  { name: 'sign', load: async () => (await import('./sign.js')).signCommand },
  { name: 'verify', load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'bom', load: async () => (await import('./bom.js')).bomCommand },
  { name: 'deps', load: async () => (await import('./deps.js')).depsCommand },
  { name: 'serve', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'users', load: async () => (await import('./users.js')).usersCommand },
  { name: 'init', load: async () => (await import('./init.js')).initCommand },
  { name: 'rules', load: async () => (await import('./rules.js')).rulesCommand },
];

/** `--concurrency 1` (either spelling): the scan runs in-process and needs no worker. */
function inProcessScan(args: readonly string[]): boolean {
  return args.some((a, i) => a === '--concurrency=1' || (a === '--concurrency' && args[i + 1] === '1'));
}
