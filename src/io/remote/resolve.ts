import { listHf } from './hf.js';
import { HttpRangeSource } from './range-source.js';
import { RemoteError } from './remote-error.js';
import { listS3 } from './s3.js';
import type { RemoteContext, RemoteListing } from './types.js';

const REMOTE = /^(hf|s3|https?):\/\//i;

/** True for the arguments `warden scan` hands to the remote layer instead of the file walker. */
export function isRemoteUrl(arg: string): boolean {
  return REMOTE.test(arg);
}

/** Lists the objects behind one URL; nothing is downloaded until a file is opened. */
export async function resolveRemote(url: string, ctx: RemoteContext): Promise<RemoteListing> {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'hf') return listHf(url, ctx);
  if (scheme === 's3') return listS3(url, ctx);
  if (scheme === 'http' || scheme === 'https') return single(url, ctx);
  throw new RemoteError('usage', `${url}: unsupported URL scheme`);
}

/** A plain URL is one object; its last path segment is its name. */
function single(url: string, ctx: RemoteContext): RemoteListing {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RemoteError('usage', `${url}: not a valid URL`);
  }
  // Credentials in the URL would end up in reports and logs; refuse rather than leak them.
  if (parsed.username || parsed.password)
    throw new RemoteError('usage', `${url}: credentials in URLs are not accepted`);
  const last = parsed.pathname.split('/').filter(Boolean).pop() ?? parsed.hostname;
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // A malformed escape is kept as written.
  }
  return {
    url,
    files: [
      {
        displayPath: parsed.href,
        name,
        open: (http) =>
          HttpRangeSource.open(
            (headers) => ({ method: 'GET', url: parsed.href, what: parsed.href, headers }),
            http,
            ctx.range,
          ),
      },
    ],
    notes: [],
  };
}
