import type { GuardModelFile } from './format.js';
import shipped from './prompt-guard.json' with { type: 'json' };

/**
 * The weights shipped with the package, produced by `npm run train:guard`. Imported as a module (not
 * read from disk) so the guard layer needs no file-system access and works the same when bundled.
 */
export const DEFAULT_MODEL = shipped as GuardModelFile;
