import { resolvePolicy } from '../io/policy-file.js';
import { formatPolicyError, type Policy, type PolicyOutcome } from '../policy/index.js';
import { type CliIO, UsageError } from './types.js';

/** The policy flags of every command that honours warden.yaml, for `parseArgs` options. */
export const POLICY_OPTIONS = {
  policy: { type: 'string' },
  'no-policy': { type: 'boolean', default: false },
} as const;

/**
 * Finds and reads the policy before any work, so a broken warden.yaml is reported at once with
 * file:line:column. Returns undefined (after printing why) when the file is invalid: exit 2.
 */
export async function loadPolicy(
  values: { readonly policy?: string | undefined; readonly 'no-policy'?: boolean | undefined },
  paths: readonly string[],
  io: CliIO,
  command: string,
): Promise<Policy | undefined> {
  if (values.policy !== undefined && values['no-policy'])
    throw new UsageError('give --policy or --no-policy, not both');
  const policy = await resolvePolicy({
    ...(values.policy === undefined ? {} : { file: values.policy }),
    disabled: values['no-policy'] === true,
    paths,
    cwd: io.cwd,
  });
  if (policy.ok) return policy.value;
  for (const e of policy.error) io.stderr(`${formatPolicyError(e)}\n`);
  io.stderr(`warden ${command}: invalid policy file (see docs/policy.md)\n`);
  return undefined;
}

/** One line on stderr so suppressed findings are never invisible, whatever the report format. */
export function notePolicy(io: CliIO, command: string, file: string, outcome: PolicyOutcome): void {
  if (!file) return;
  const n = outcome.suppressed.length;
  const expired = outcome.findings.filter((f) => f.ruleId === 'policy/expired-suppression').length;
  const parts = [`policy ${file}`, `${n} finding${n === 1 ? '' : 's'} suppressed`];
  if (expired > 0) parts.push(`${expired} expired suppression${expired === 1 ? '' : 's'} (failing)`);
  io.stderr(`warden ${command}: ${parts.join(', ')}\n`);
}
