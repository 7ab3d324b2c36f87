// Plain decimals ("-812.4000", "1187.3817325614378") read from bytes to the double Number()
// gives, without making a string: Zabbix sends every history value as text, ten million of them
// for a week of minute values over a thousand items.
//
// Up to 15 digits the digits are an exact integer and 10^k an exact double, so one division is
// correctly rounded (Clinger's fast path). From 16 to 19 digits the integer is no longer exact:
// the quotient is computed from two exact parts of it, then checked with exact products (Dekker)
// to lie strictly inside the rounding interval (else its neighbour is checked); a quotient that
// cannot be shown right (a tie, or within 1e-9 of one) returns NaN and the caller asks Number().

/** 10^k for k ≤ 22: exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

const SPLITTER = 134217729; // 2^27 + 1

/** The rounding error of a * b: a * b = fl(a * b) + error, exactly (no overflow here). */
function productError(a: number, b: number, p: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

const bits = new DataView(new ArrayBuffer(8));

/**
 * Half the gap from a positive normal double y to its neighbour above (r ≥ 0) or below (r < 0):
 * 2^(e−53), or 2^(e−54) below a power of two. Read from y's bits, not with logarithms.
 */
function halfGap(y: number, below: boolean): number {
  bits.setFloat64(0, y);
  const hi = bits.getUint32(0);
  const powerOfTwo = (hi & 0xfffff) === 0 && bits.getUint32(4) === 0;
  const biased = (hi >>> 20) & 0x7ff; // e + 1023, and e − 53 stays a normal exponent here (y ≥ 1e-22)
  bits.setUint32(0, (biased - (below && powerOfTwo ? 54 : 53)) << 20);
  bits.setUint32(4, 0);
  return bits.getFloat64(0);
}

/**
 * (high · 10^lowDigits + low) / 10^frac as Number() rounds it, or NaN when not provable here.
 * high < 10^11, low < 10^lowDigits (integers), lowDigits ≤ 8, frac ≤ 22.
 */
export function quotientOf(high: number, low: number, lowDigits: number, frac: number): number {
  const p10 = POW10[frac];
  const scale = POW10[lowDigits];
  const approx = high * scale + low; // rounded (at most twice)
  if (approx < 2 ** 53) return approx / p10; // below 2^53 nothing was rounded: the fast path
  let y = approx / p10; // maybe one step off (rounded twice), checked below
  // r = m − y·10^frac with m = high·scale + low, from exact parts: p + pe = high·scale, q + qe = y·10^frac.
  const p = high * scale;
  const pe = productError(high, scale, p);
  const q = y * p10;
  const qe = productError(y, p10, q);
  let r = p - q + low + (pe - qe);
  for (let attempt = 0; attempt < 2; attempt++) {
    // Half the gap to the neighbour on r's side, scaled by 10^frac.
    const halfStep = halfGap(y, r < 0);
    const gap = 2 * halfStep;
    const half = halfStep * p10;
    // r carries rounding errors far below 1e-9 of `half`: keep well clear of the tie.
    if (Math.abs(r) < half * (1 - 1e-9)) return y;
    if (Math.abs(r) < half * (1 + 1e-9)) return NaN; // a tie, or too close to tell
    // The true quotient is past the neighbour's edge: step to the neighbour (gap·10^frac is exact).
    y = r < 0 ? y - gap : y + gap;
    r = r < 0 ? r + gap * p10 : r - gap * p10;
  }
  return NaN;
}

/** Where `readDecimal` put its number (a second result without an allocation). */
export const decimalResult = { value: 0 };

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
const DOT = 0x2e;

/**
 * `-?digits(.digits)?` from `at`, ending at `end` or before: the position after the last digit
 * and the value in `decimalResult.value`; -1 when the text is not that shape, has more than 19
 * digits, or needs Number() to settle the rounding.
 */
export function readDecimal(b: Uint8Array, at: number, end: number): number {
  let i = at;
  const negative = b[i] === MINUS;
  if (negative) i++;
  // The first 11 digits go to `high`, the next ones (up to 8) to `low`: both exact integers.
  let high = 0;
  let low = 0;
  let digits = 0;
  const intStart = i;
  while (i < end) {
    const c = b[i];
    if (c < ZERO || c > NINE) break;
    if (digits < 11) high = high * 10 + (c - ZERO);
    else low = low * 10 + (c - ZERO);
    digits++;
    i++;
  }
  if (i === intStart) return -1;
  let frac = 0;
  if (i < end && b[i] === DOT) {
    i++;
    const fracStart = i;
    while (i < end) {
      const c = b[i];
      if (c < ZERO || c > NINE) break;
      if (digits < 11) high = high * 10 + (c - ZERO);
      else low = low * 10 + (c - ZERO);
      digits++;
      i++;
    }
    frac = i - fracStart;
    if (frac === 0) return -1;
  }
  if (digits > 19 || frac > 22) return -1;
  // Up to 15 digits (and a few more when small enough) the integer is exact: one division, here.
  const v = digits <= 11 ? high / POW10[frac] : quotientOf(high, low, digits - 11, frac);
  if (v !== v) return -1; // NaN: Number() is to settle it
  decimalResult.value = negative ? -v : v;
  return i;
}
