import type { Finding } from '../../core/finding.js';
import type { Detector } from '../detect/types.js';
import { type FieldHit, fieldFinding, type Where } from '../findings.js';

/** Counts per field (column or key path) and detector: how many cells/values matched, and the first. */
export class FieldAggregator {
  private readonly cells = new Map<string, number>();
  private readonly hits = new Map<string, Map<Detector, FieldHit>>();
  constructor(
    private readonly kind: 'column' | 'key',
    private readonly maxFields: number,
  ) {}

  private key(field: string): string {
    return this.cells.has(field) || this.cells.size < this.maxFields ? field : '(other fields)';
  }

  cell(field: string, n = 1): void {
    const k = this.key(field);
    this.cells.set(k, (this.cells.get(k) ?? 0) + n);
  }

  /** Every field has `n` cells (JSON Lines: the share is per row, whatever keys a row has). */
  setCells(n: number): void {
    for (const k of this.hits.keys()) this.cells.set(k, n);
  }

  /** Counts one hit; with `row`, several hits of a detector in one row count once. */
  hit(field: string, d: Detector, value: string, score: number, where: Where, row?: number): void {
    const k = this.key(field);
    let byDet = this.hits.get(k);
    if (!byDet) {
      byDet = new Map();
      this.hits.set(k, byDet);
    }
    const h = byDet.get(d);
    if (h) {
      if (row !== undefined && h.lastRow === row) return;
      h.lastRow = row;
      h.count++;
      if (score > h.maxScore) h.maxScore = score;
    } else byDet.set(d, { count: 1, first: where, example: value, maxScore: score, lastRow: row });
  }

  findings(): Finding[] {
    const out: Finding[] = [];
    for (const [field, byDet] of this.hits) {
      const cells = Math.max(this.cells.get(field) ?? 0, ...[...byDet.values()].map((h) => h.count));
      for (const [d, h] of byDet) out.push(fieldFinding(d, this.kind, field, h, cells));
    }
    return out;
  }
}
