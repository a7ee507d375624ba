import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentials } from './sigv4.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AwsSettings {
  /** Undefined: no credentials anywhere, requests go unsigned (public buckets). */
  readonly credentials?: AwsCredentials;
  /** Where the credentials came from, for messages: `environment`, `credentials file [dev]`. */
  readonly credentialSource: string;
  readonly region: string;
  /** Custom endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / profile `endpoint_url`), path-style. */
  readonly endpoint?: string;
}

/**
 * The parts of the AWS SDKs' default credential chain that need no network: environment
 * variables, then the shared credentials file, then the config file, for AWS_PROFILE (or
 * `default`). SSO, web identity, credential_process and instance metadata are not consulted.
 */
export async function awsSettings(env: Env): Promise<AwsSettings> {
  const profile = env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const home = env.HOME ?? homedir();
  const credFile = await readIni(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'));
  const confFile = await readIni(env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'));
  const fromCred = credFile.get(profile);
  const fromConf = confFile.get(profile === 'default' ? 'default' : `profile ${profile}`) ?? confFile.get(profile);

  let credentials: AwsCredentials | undefined;
  let credentialSource = 'none (unsigned requests)';
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    credentials = keys(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN);
    credentialSource = 'environment';
  } else {
    for (const [section, label] of [
      [fromCred, 'credentials file'],
      [fromConf, 'config file'],
    ] as const) {
      const id = section?.get('aws_access_key_id');
      const secret = section?.get('aws_secret_access_key');
      if (id && secret) {
        credentials = keys(id, secret, section?.get('aws_session_token'));
        credentialSource = `${label} [${profile}]`;
        break;
      }
    }
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? fromConf?.get('region') ?? 'us-east-1';
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? fromConf?.get('endpoint_url');
  return {
    ...(credentials ? { credentials } : {}),
    credentialSource,
    region,
    ...(endpoint ? { endpoint } : {}),
  };
}

function keys(accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined): AwsCredentials {
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

const MAX_INI_BYTES = 1024 * 1024;

async function readIni(path: string): Promise<Map<string, Map<string, string>>> {
  try {
    const text = await readFile(path, 'utf8');
    return parseIni(text.slice(0, MAX_INI_BYTES));
  } catch {
    return new Map();
  }
}

/**
 * The AWS files' INI dialect: `[section]`, `key = value`, `#`/`;` comments. Indented lines belong
 * to a nested block (`s3 =` followed by settings) that Warden does not use, so they are skipped.
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s/.test(raw) && current && raw.trim() !== '') continue;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim().replace(/\s+/g, ' ');
      current = out.get(name) ?? new Map();
      out.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && current) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return out;
}
