import type { Command } from '../types.js';
import { bomCommand } from './bom.js';
import { dataCommand } from './data.js';
import { depsCommand } from './deps.js';
import { guardCommand } from './guard.js';
import { initCommand } from './init.js';
import { rulesCommand } from './rules.js';
import { scanCommand } from './scan.js';
import { signCommand } from './sign.js';
import { verifyCommand } from './verify.js';

/** Every command, in the order `warden --help` lists them. One explicit list, no registration by import. */
export const COMMANDS: readonly Command[] = [
  scanCommand,
  dataCommand,
  guardCommand,
  signCommand,
  verifyCommand,
  bomCommand,
  depsCommand,
  initCommand,
  rulesCommand,
];
