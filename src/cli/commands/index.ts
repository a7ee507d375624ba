import type { Command } from '../types.js';
import { rulesCommand } from './rules.js';
import { scanCommand } from './scan.js';

/** Every command, in the order `warden --help` lists them. One explicit list, no registration by import. */
export const COMMANDS: readonly Command[] = [scanCommand, rulesCommand];
