/** Regularised lower incomplete gamma P(a, x) by series / continued fraction (Numerical Recipes). */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnGa = lgamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-14) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGa);
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - lnGa) * h;
}

function lgamma(z: number): number {
  // Lanczos approximation, g = 7.
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lgamma(1 - z);
  z -= 1;
  let x = c[0]!;
  for (let i = 1; i < g + 2; i++) x += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

export interface LabelShift {
  readonly chi2: number;
  readonly dof: number;
  readonly p: number;
  readonly shares: Record<string, { reference: number; current: number }>;
  /** Largest absolute change of a label's share. */
  readonly maxDelta: number;
}

/** Chi-square test of homogeneity between two label count tables. */
export function labelShift(reference: Record<string, number>, current: Record<string, number>): LabelShift {
  const labels = [...new Set([...Object.keys(reference), ...Object.keys(current)])].sort();
  const nr = Object.values(reference).reduce((a, b) => a + b, 0);
  const nc = Object.values(current).reduce((a, b) => a + b, 0);
  let chi2 = 0;
  const shares: Record<string, { reference: number; current: number }> = {};
  let maxDelta = 0;
  for (const l of labels) {
    const r = reference[l] ?? 0;
    const c = current[l] ?? 0;
    const tot = r + c;
    const er = (tot * nr) / (nr + nc);
    const ec = (tot * nc) / (nr + nc);
    if (er > 0) chi2 += (r - er) ** 2 / er;
    if (ec > 0) chi2 += (c - ec) ** 2 / ec;
    shares[l] = { reference: nr ? r / nr : 0, current: nc ? c / nc : 0 };
    maxDelta = Math.max(maxDelta, Math.abs(shares[l].current - shares[l].reference));
  }
  const dof = Math.max(1, labels.length - 1);
  return { chi2, dof, p: 1 - gammaP(dof / 2, chi2 / 2), shares, maxDelta };
}

export function labelCounts(labels: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}
