import type { Finding } from '../../core/finding.js';
import type { Detector } from '../detect/types.js';
import { type FieldHit, fieldFinding, type Where } from '../findings.js';

/** Plain-data form of an aggregator, so parts scanned on worker threads can be merged. */
export interface FieldState {
  readonly kind: 'column' | 'key';
  readonly fields: Array<{
    field: string;
    cells: number;
    /**
     * A sampled column: `cells` of its cells came after the sample, of which only `checked`
     * went through the personal-data detectors (hits there are `FieldHit.sampled`).
     */
    stride?: Stride;
    hits: Array<{ detector: string } & FieldHit>;
  }>;
}

/** Cells of a sampled column after its sample, and how many of them were checked. */
export interface Stride {
  cells: number;
  checked: number;
}

/** Counts per field (column or key path) and detector: how many cells/values matched, and the first. */
export class FieldAggregator {
  private readonly cells = new Map<string, number>();
  private readonly strides = new Map<string, Stride>();
  private readonly hits = new Map<string, Map<Detector, FieldHit>>();
  constructor(
    private readonly kind: 'column' | 'key',
    private readonly maxFields: number,
  ) {}

  private key(field: string): string {
    return this.cells.has(field) || this.hits.has(field) || this.cells.size < this.maxFields ? field : '(other fields)';
  }

  /** Counts `n` cells; `stride`: of those, the ones after the sample of a sampled column. */
  cell(field: string, n = 1, stride?: Stride): void {
    const k = this.key(field);
    this.cells.set(k, (this.cells.get(k) ?? 0) + n);
    if (stride && stride.cells > 0) {
      const acc = this.strides.get(k) ?? { cells: 0, checked: 0 };
      acc.cells += stride.cells;
      acc.checked += stride.checked;
      this.strides.set(k, acc);
    }
  }

  /** Every field has `n` cells (JSON Lines: the share is per row, whatever keys a row has). */
  setCells(n: number): void {
    for (const k of this.hits.keys()) this.cells.set(k, n);
  }

  /**
   * Counts one hit; with `row`, several hits of a detector in one row count once. `sampled`: the
   * hit is on a checked row after the sample of a sampled column (it stands for several rows).
   */
  hit(field: string, d: Detector, value: string, score: number, where: Where, row?: number, sampled = false): void {
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
      if (sampled) h.sampled = (h.sampled ?? 0) + 1;
      else h.count++;
      if (score > h.maxScore) h.maxScore = score;
    } else {
      byDet.set(d, {
        count: sampled ? 0 : 1,
        ...(sampled ? { sampled: 1 } : {}),
        first: where,
        example: value,
        maxScore: score,
        lastRow: row,
      });
    }
  }

  state(): FieldState {
    const names = new Set([...this.cells.keys(), ...this.hits.keys()]);
    return {
      kind: this.kind,
      fields: [...names].map((field) => {
        const stride = this.strides.get(field);
        return {
          field,
          cells: this.cells.get(field) ?? 0,
          ...(stride ? { stride: { ...stride } } : {}),
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
    { cells: number; stride: Stride; hits: Map<string, { detector: string } & FieldHit> }
  >();
  for (const { state, lineShift } of parts) {
    for (const f of state.fields) {
      let acc = fields.get(f.field);
      if (!acc) {
        acc = { cells: 0, stride: { cells: 0, checked: 0 }, hits: new Map() };
        fields.set(f.field, acc);
      }
      acc.cells += f.cells;
      acc.stride.cells += f.stride?.cells ?? 0;
      acc.stride.checked += f.stride?.checked ?? 0;
      for (const h of f.hits) {
        const prev = acc.hits.get(h.detector);
        if (prev) {
          prev.count += h.count;
          if (h.sampled) prev.sampled = (prev.sampled ?? 0) + h.sampled;
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
      ...(v.stride.cells > 0 ? { stride: v.stride } : {}),
      hits: [...v.hits.values()],
    })),
  };
}

export function findingsOfState(state: FieldState, detectorById: (id: string) => Detector | undefined): Finding[] {
  const out: Finding[] = [];
  for (const f of state.fields) {
    if (f.hits.length === 0) continue;
    const cells = Math.max(f.cells, ...f.hits.map((h) => h.count + (h.sampled ?? 0)));
    const stride = f.stride && f.stride.checked < f.stride.cells ? f.stride : undefined;
    const ratio = stride && stride.checked > 0 ? stride.cells / stride.checked : 0;
    for (const h of f.hits) {
      const d = detectorById(h.detector);
      if (!d) continue;
      // Personal data in a sampled column: exact in the sample, a ratio estimate after it (the
      // checked rows stand for all rows after the sample). Secrets were counted on every cell.
      if (d.kind === 'pii' && stride) {
        const count = Math.min(cells, Math.round(h.count + (h.sampled ?? 0) * ratio));
        const examined = cells - stride.cells + stride.checked;
        out.push(fieldFinding(d, state.kind, f.field, { ...h, count }, cells, examined));
      } else out.push(fieldFinding(d, state.kind, f.field, { ...h, count: h.count + (h.sampled ?? 0) }, cells));
    }
  }
  return out;
}
