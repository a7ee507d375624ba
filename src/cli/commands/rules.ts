import { parseArgs } from 'node:util';
import { allRules } from '../../rules/catalog.js';
import { oneOf } from '../args.js';
import { type Command, EXIT } from '../types.js';

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'list every rule with its id, severity and references',
  usage: `Usage: warden rules [--format text|json]

Lists the rule catalogue. Each rule has a page under docs/rules/<id>.md.
`,
  async run(args, io) {
    const { values } = parseArgs({
      args: [...args],
      options: { format: { type: 'string', short: 'f', default: 'text' } },
    });
    const format = oneOf(values.format, ['text', 'json'] as const, '--format');
    const rules = [...allRules()].sort((a, b) => a.id.localeCompare(b.id));
    if (format === 'json') {
      io.stdout(`${JSON.stringify(rules, null, 2)}\n`);
      return EXIT.clean;
    }
    const width = Math.max(...rules.map((r) => r.id.length));
    for (const r of rules) {
      const refs = r.references.map((x) => x.id).join(', ');
      io.stdout(`${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title}${refs ? `  [${refs}]` : ''}\n`);
    }
    return EXIT.clean;
  },
};
