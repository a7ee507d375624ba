import type { Finding } from '../../core/finding.js';
import { findingOf } from '../../core/rule.js';
import type { Detector } from '../detect/types.js';
import { occurrenceFinding, type Where } from '../findings.js';
import { PII_RULE, SECRET_RULE } from '../rules.js';

/** Per-occurrence findings with a cap per detector, then one summary line for the rest. */
export class OccurrenceCollector {
  readonly findings: Finding[] = [];
  private readonly counts = new Map<Detector, { n: number; first: Where }>();
  constructor(private readonly cap: number) {}

  add(d: Detector, value: string, score: number, w: Where, where?: string): void {
    const c = this.counts.get(d);
    if (c) c.n++;
    else this.counts.set(d, { n: 1, first: w });
    if ((c?.n ?? 1) <= this.cap) this.findings.push(occurrenceFinding(d, value, score, w, where));
  }

  finish(path: string): Finding[] {
    for (const [d, { n, first }] of this.counts) {
      if (n <= this.cap) continue;
      this.findings.push(
        findingOf(d.kind === 'secret' ? SECRET_RULE : PII_RULE, {
          path,
          ...(first.member === undefined ? {} : { member: first.member }),
          severity: 'info',
          message: `${n - this.cap} more ${d.label.toLowerCase()} occurrences (${d.id}) not listed; ${n} in total`,
        }),
      );
    }
    return this.findings;
  }
}
