import type { ByteSource } from '../../core/byte-source.js';
import type { Env } from './aws-config.js';
import type { HttpOptions } from './http.js';
import type { RangeSourceOptions } from './range-source.js';

/** One object behind a remote URL, listed but not yet opened. */
export interface RemoteFile {
  /** How reports name it: `hf://org/model@rev/path`, `s3://bucket/key`, the URL itself. */
  readonly displayPath: string;
  /** Path relative to the listed root (`/`-separated); its directory gives the siblings. */
  readonly name: string;
  /** Size from the listing, when the listing gives one. */
  readonly size?: number;
  /** Opens it for range reads; `http` carries the per-file time budget's abort signal. */
  open(http: HttpOptions): Promise<ByteSource>;
}

export interface RemoteListing {
  readonly url: string;
  readonly files: readonly RemoteFile[];
  /** One line each, for the user: the commit a revision resolved to, how S3 was authenticated. */
  readonly notes: readonly string[];
}

export interface RemoteContext {
  readonly env: Env;
  readonly http: HttpOptions;
  readonly range: RangeSourceOptions;
  /** A hostile listing must not exhaust memory: past this many objects the rest are ignored. */
  readonly maxFiles: number;
}
