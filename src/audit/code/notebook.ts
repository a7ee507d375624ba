/**
 * The code cells of a Jupyter notebook as one Python module (imports in the first cell apply to
 * calls in later ones), with a map back to `cell[N]/source` and the line inside the cell — the
 * same member names the data module uses for the notebook's secrets.
 */

export interface NotebookCode {
  readonly source: string;
  /** Module line (1-based) → cell index and line inside the cell. */
  locate(line: number): { readonly member: string; readonly line: number } | undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('');
  return undefined;
}

/**
 * IPython magics and shell escapes (`%pip install`, `!ls`) are not Python; commenting them out keeps
 * line numbers and lets the rest of the cell parse cleanly.
 */
function neutraliseMagics(src: string): string {
  return src.replace(/^([ \t]*)([!%])/gm, '$1#$2');
}

/** Returns undefined when the text is not an nbformat-4 notebook. */
export function notebookCode(json: string): NotebookCode | undefined {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch {
    return undefined;
  }
  const cells = (nb as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) return undefined;
  const starts: { cell: number; start: number; lines: number }[] = [];
  const parts: string[] = [];
  let line = 1;
  cells.forEach((c: unknown, i) => {
    const cell = c as { cell_type?: unknown; source?: unknown } | null;
    if (cell?.cell_type !== 'code') return;
    const src = text(cell.source);
    if (src === undefined) return;
    const body = neutraliseMagics(src.endsWith('\n') ? src : `${src}\n`);
    const lines = body.split('\n').length - 1;
    starts.push({ cell: i, start: line, lines });
    parts.push(body);
    line += lines;
  });
  return {
    source: parts.join(''),
    locate(l) {
      const hit = starts.find((s) => l >= s.start && l < s.start + s.lines);
      return hit ? { member: `cell[${hit.cell}]/source`, line: l - hit.start + 1 } : undefined;
    },
  };
}
