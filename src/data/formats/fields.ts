import type { Finding } from '../../core/finding.js';
import type { Detector } from '../detect/types.js';
import { type FieldHit, fieldFinding, type Where } from '../findings.js';

/** Plain-data form of an aggregator, so parts scanned on worker threads can be merged. */
export interface FieldState {
  readonly kind: 'column' | 'key';
  readonly fields: Array<{
    field: string;
    cells: number;
    /** Cells the personal-data detectors saw, when fewer than `cells` (a sampled column). */
    checked?: number;
    hits: Array<{ detector: string } & FieldHit>;
  }>;
}

/** Counts per field (column or key path) and detector: how many cells/values matched, and the first. */
export class FieldAggregator {
  private readonly cells = new Map<string, number>();
  private readonly checked = new Map<string, number>();
  private readonly hits = new Map<string, Map<Detector, FieldHit>>();
  constructor(
    private readonly kind: 'column' | 'key',
    private readonly maxFields: number,
  ) {}

  private key(field: string): string {
    return this.cells.has(field) || this.hits.has(field) || this.cells.size < this.maxFields ? field : '(other fields)';
  }

  /** Counts `n` cells of which `checked` went through the personal-data detectors. */
  cell(field: string, n = 1, checked = n): void {
    const k = this.key(field);
    this.cells.set(k, (this.cells.get(k) ?? 0) + n);
    this.checked.set(k, (this.checked.get(k) ?? 0) + checked);
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

  state(): FieldState {
    const names = new Set([...this.cells.keys(), ...this.hits.keys()]);
    return {
      kind: this.kind,
      fields: [...names].map((field) => {
        const cells = this.cells.get(field) ?? 0;
        const checked = this.checked.get(field) ?? cells;
        return {
          field,
          cells,
          ...(checked < cells ? { checked } : {}),
          hits: [...(this.hits.get(field) ?? new Map<Detector, FieldHit>())].map(([d, h]) => ({
            detector: d.id,
            ...h,
          })),
        };
      }),
    };
  }

  findings(): Finding[] {
    return findingsOfState(this.state(), (id) =>
      [...this.hits.values()].flatMap((m) => [...m.keys()]).find((d) => d.id === id),
    );
  }
}

/**
 * Merges part states in file order: counts add up, the first occurrence comes from the earliest
 * part; `shift` moves each part's lines by the lines of the parts before it.
 */
export function mergeStates(parts: ReadonlyArray<{ state: FieldState; lineShift: number }>): FieldState {
  const kind = parts[0]?.state.kind ?? 'column';
  const fields = new Map<
    string,
    { cells: number; checked: number; hits: Map<string, { detector: string } & FieldHit> }
  >();
  for (const { state, lineShift } of parts) {
    for (const f of state.fields) {
      let acc = fields.get(f.field);
      if (!acc) {
        acc = { cells: 0, checked: 0, hits: new Map() };
        fields.set(f.field, acc);
      }
      acc.cells += f.cells;
      acc.checked += f.checked ?? f.cells;
      for (const h of f.hits) {
        const prev = acc.hits.get(h.detector);
        if (prev) {
          prev.count += h.count;
          prev.maxScore = Math.max(prev.maxScore, h.maxScore);
        } else {
          const first = h.first.line === undefined ? h.first : { ...h.first, line: h.first.line + lineShift };
          acc.hits.set(h.detector, { ...h, first });
        }
      }
    }
  }
  return {
    kind,
    fields: [...fields].map(([field, v]) => ({
      field,
      cells: v.cells,
      ...(v.checked < v.cells ? { checked: v.checked } : {}),
      hits: [...v.hits.values()],
    })),
  };
}

export function findingsOfState(state: FieldState, detectorById: (id: string) => Detector | undefined): Finding[] {
  const out: Finding[] = [];
  for (const f of state.fields) {
    if (f.hits.length === 0) continue;
    const cells = Math.max(f.cells, ...f.hits.map((h) => h.count));
    for (const h of f.hits) {
      const d = detectorById(h.detector);
      if (!d) continue;
      // Personal data in a sampled column was counted on the checked cells only; secrets on all.
      const sample = d.kind === 'pii' && f.checked !== undefined && f.checked < f.cells ? f.checked : undefined;
      out.push(fieldFinding(d, state.kind, f.field, h, cells, sample));
    }
  }
  return out;
}
