import { startsWith } from '../archive/bytes.js';
import { ARCHIVE_RULES, ZIP_RULES } from '../archive/rules.js';
import { scanZip } from '../archive/zip-scan.js';
import type { FormatScanner } from '../types.js';
import { probePytorchZip } from './pytorch-zip.js';

/**
 * Any zip (npz, Keras v3, zip-in-zip …). It also recognises the PyTorch layout by its central
 * directory, so a checkpoint whose first member was reordered to dodge `pytorch/zip` sniffing
 * still gets the PyTorch treatment.
 */
export const zipScanner: FormatScanner = {
  id: 'zip',
  version: 1,
  description: 'Zip archives: both header views compared, hidden and overlapping members, capped inflate',
  rules: [...Object.values(ZIP_RULES), ...Object.values(ARCHIVE_RULES)],
  sniff: ({ head }) => startsWith(head, [0x50, 0x4b, 3, 4]) || startsWith(head, [0x50, 0x4b, 5, 6]),
  scan: (src, ctx) => scanZip(src, ctx, 'zip', [probePytorchZip]),
};
