// Quantiles of the standard normal and Student t distributions (and the t CDF the latter inverts),
// for power analysis and confidence bounds. Pure numeric functions: no sampling, no tests, no I/O.

// Wichura (1988) AS 241 PPND16 coefficients: central region |p − 0.5| ≤ 0.425.
const CENTRAL_NUM = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const CENTRAL_DEN = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
// Intermediate tail region r = √−ln(min(p, 1 − p)) ≤ 5.
const MIDDLE_NUM = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const MIDDLE_DEN = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
// Far tail r > 5.
const FAR_NUM = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const FAR_DEN = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

// Lanczos (g = 7, 9 terms) coefficients for ln Γ, relative error ≈ 1e-15 on the half-line.
const LANCZOS_G = 7;
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

function polynomial(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * x + coefficients[i];
  return sum;
}

function checkProbability(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must lie in (0, 1): got ${p}`);
}

function checkDf(df: number): void {
  if (!(Number.isFinite(df) && df > 0)) throw new RangeError(`degrees of freedom must be finite and > 0: got ${df}`);
}

/**
 * Quantile Φ⁻¹(p) of the standard normal distribution, by Wichura's algorithm AS 241 (PPND16,
 * Applied Statistics 37:477–484, 1988), relative error about 1e-16.
 * @param p a probability in (0, 1).
 * @throws RangeError when p is not strictly between 0 and 1.
 */
export function normalQuantile(p: number): number {
  checkProbability(p);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(CENTRAL_NUM, r)) / polynomial(CENTRAL_DEN, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = polynomial(MIDDLE_NUM, r) / polynomial(MIDDLE_DEN, r);
  } else {
    r -= 5;
    z = polynomial(FAR_NUM, r) / polynomial(FAR_DEN, r);
  }
  return q < 0 ? -z : z;
}

function logGamma(x: number): number {
  // Reflection keeps the Lanczos series on x ≥ 0.5, where it is accurate.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const shifted = x - 1;
  let series = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i] / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

// Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    for (const coefficient of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + coefficient * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + coefficient / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return h;
}

// Regularized incomplete beta I_x(a, b) for 0 ≤ x ≤ 1 and a, b > 0; y = 1 − x is passed in
// because callers can form it without the cancellation of 1 − x when x is close to 1.
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(y);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(y, b, a)) / b;
}

// P(T > t) for t ≥ 0, computed directly so that small tails keep their relative precision.
function upperTail(t: number, df: number): number {
  const denominator = df + t * t;
  return 0.5 * incompleteBeta(df / denominator, (t * t) / denominator, df / 2, 0.5);
}

/**
 * Cumulative distribution function P(T ≤ t) of Student's t with df degrees of freedom, through
 * the regularized incomplete beta function: P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2)
 * (Abramowitz & Stegun 26.7.1, 26.5.8).
 * @param t any finite value.
 * @param df degrees of freedom, > 0 (need not be an integer).
 * @throws RangeError when t is not finite or df is not a finite positive number.
 */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) throw new RangeError(`t must be finite: got ${t}`);
  checkDf(df);
  const tail = upperTail(Math.abs(t), df);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile t_{p, df} of Student's t distribution: the t with P(T ≤ t) = p. Found by bracketing
 * and bisection on the tail probability to full double precision (the CDF is monotone, so this
 * always converges; Newton on the t CDF can overshoot for small df).
 * @param p a probability in (0, 1).
 * @param df degrees of freedom, > 0 (need not be an integer).
 * @throws RangeError when p is not strictly between 0 and 1 or df is not a finite positive number.
 */
export function studentTQuantile(p: number, df: number): number {
  checkProbability(p);
  checkDf(df);
  if (p === 0.5) return 0;
  // By symmetry solve P(T > t) = tail for t > 0; working with the smaller tail keeps tiny p exact.
  const tail = p < 0.5 ? p : 1 - p;
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > tail && Number.isFinite(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (!Number.isFinite(hi)) throw new RangeError(`t quantile overflows a double: p ${p}, df ${df}`);
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (upperTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return p < 0.5 ? -t : t;
}
