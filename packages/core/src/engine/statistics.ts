/**
 * Rank statistics for comparing a run's samples with a baseline's: the Mann–Whitney U test
 * (exact for small samples without ties, normal approximation with tie correction otherwise) and
 * the Hodges–Lehmann shift estimate with its distribution-free confidence interval. Pure functions.
 */

export interface MannWhitney {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  n1: number;
  n2: number;
  /** One-sided p-value for "x tends to be larger than y". */
  p: number;
  exact: boolean;
}

/** Standard normal upper tail, P(Z > z) (Abramowitz–Stegun 7.1.26, error below 1.5e-7). */
export function normalUpperTail(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 - erf) / 2 : (1 + erf) / 2;
}

/** Evaluates a polynomial with coefficients from the highest power down (Horner). */
function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((sum, coefficient) => sum * x + coefficient, 0);
}

const ACKLAM = {
  a: [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239],
  b: [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1],
  c: [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783],
  d: [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1],
};

/** Quantile of the standard normal distribution (Acklam's rational approximation, error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError("p must lie strictly between 0 and 1");
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(ACKLAM.c, q) / polynomial(ACKLAM.d, q);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  return (polynomial(ACKLAM.a, q * q) * q) / polynomial(ACKLAM.b, q * q);
}

/** Number of arrangements with U ≤ u, for sample sizes m and n (the exact null distribution). */
function exactCumulative(m: number, n: number, u: number): number {
  // counts[k] = arrangements of the current sizes with U = k, built up one element at a time.
  const memo = new Map<string, number[]>();
  const dist = (a: number, b: number): number[] => {
    if (a === 0 || b === 0) return [1];
    const key = `${a},${b}`;
    const cached = memo.get(key);
    if (cached) return cached;
    const withA = dist(a - 1, b); // the largest element is from the first sample: it beats all b.
    const withB = dist(a, b - 1);
    const result = new Array<number>(a * b + 1).fill(0);
    withA.forEach((count, k) => {
      result[k + b] = (result[k + b] ?? 0) + count;
    });
    withB.forEach((count, k) => {
      result[k] = (result[k] ?? 0) + count;
    });
    memo.set(key, result);
    return result;
  };
  return dist(m, n)
    .slice(0, Math.floor(u) + 1)
    .reduce((sum, count) => sum + count, 0);
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Mann–Whitney U test of "x tends to be larger than y" (one-sided). */
export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: 0, n1, n2, p: 1, exact: true };
  const all = [...x.map((value) => ({ value, first: true })), ...y.map((value) => ({ value, first: false }))].sort(
    (a, b) => a.value - b.value,
  );
  let rankSumX = 0;
  let tieTerm = 0;
  let hasTies = false;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.value === all[i]?.value) j++;
    const rank = (i + j) / 2 + 1;
    const size = j - i + 1;
    if (size > 1) {
      hasTies = true;
      tieTerm += size ** 3 - size;
    }
    for (let k = i; k <= j; k++) if (all[k]?.first) rankSumX += rank;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  if (!hasTies && n1 * n2 <= 400 && n1 + n2 <= 40) {
    // P(U ≥ u) = 1 − P(U ≤ u − 1).
    const total = binomial(n1 + n2, n1);
    return { u, n1, n2, p: 1 - exactCumulative(n1, n2, u - 1) / total, exact: true };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, n1, n2, p: 1, exact: false };
  // Continuity correction of one half towards the mean.
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, n1, n2, p: normalUpperTail(z), exact: false };
}

export interface ShiftEstimate {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Hodges–Lehmann estimate of the shift x − y (the median of all pairwise differences) and its
 * two-sided confidence interval from the ranks of those differences (Moses' method, normal
 * approximation for the critical U).
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.95): ShiftEstimate {
  const differences = new Float64Array(x.length * y.length);
  let k = 0;
  for (const a of x) for (const b of y) differences[k++] = a - b;
  differences.sort();
  const count = differences.length;
  if (count === 0) return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN };
  const median =
    count % 2 === 1
      ? (differences[(count - 1) / 2] as number)
      : ((differences[count / 2 - 1] as number) + (differences[count / 2] as number)) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const c = Math.floor(count / 2 - z * Math.sqrt((x.length * y.length * (x.length + y.length + 1)) / 12));
  const lowIndex = Math.max(0, Math.min(count - 1, c));
  const highIndex = Math.max(0, Math.min(count - 1, count - 1 - c));
  return { estimate: median, low: differences[lowIndex] as number, high: differences[highIndex] as number };
}
