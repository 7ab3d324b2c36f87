// Dynamic programme over the room temperature of an on/off controlled heater, for a price per
// slot of heating: the cheapest heating plan that keeps the temperature in its bands.
// - "plan": one exact state per temperature bin (the cheapest that reached it); every plan it
//   returns is feasible, and near the cheapest.
// - "bound": each bin keeps the interval of temperatures that reached it and the least cost, so
//   every feasible plan is covered: its result never exceeds the true least cost. The LP lets a
//   heater hold its band edge with a fraction of its power; on/off heating cannot, and this
//   bound measures by how much (the LP bound alone leaves a gap of about 1 %).

export interface ThermalDynamics {
  readonly n: number;
  /** Measured temperature before slot 0. */
  readonly t0: number;
  /** T_{t+1} = T_t + a·(outside_t − T_t) + b·u_t. */
  readonly a: number;
  readonly b: number;
  readonly outside: Float64Array;
  /** Bounds of T_{t+1} (index t). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

const MAX_BINS = 4096;
const TOL = 1e-9;

interface Grid {
  lo: number;
  width: number;
  count: number;
}

/** Bins over the temperatures the room can reach: between always off and always on. */
function gridOf(h: ThermalDynamics, binsPerStep: number, maxBins = MAX_BINS): Grid {
  let lo = h.t0;
  let hi = h.t0;
  let off = h.t0;
  let on = h.t0;
  for (let t = 0; t < h.n; t++) {
    off += h.a * (h.outside[t] - off);
    on += h.a * (h.outside[t] - on) + h.b;
    lo = Math.min(lo, Math.max(off, h.lower[t]));
    hi = Math.max(hi, Math.min(on, h.upper[t]));
  }
  const width = Math.max(h.b / binsPerStep, (hi - lo) / maxBins, 1e-9);
  return { lo, width, count: Math.max(1, Math.ceil((hi - lo) / width) + 1) };
}

/** The bin of a temperature; those beyond the grid go to its end bins. */
function binOf(g: Grid, T: number): number {
  const k = Math.floor((T - g.lo) / g.width);
  return k < 0 ? 0 : k >= g.count ? g.count - 1 : k;
}

/**
 * Buffers reused from call to call: the DPs run for every heater in every round of a solve, and
 * fresh arrays (the plan DP's back-pointers are n × bins) kept the garbage collector busy.
 */
let floatPool = new Float64Array(0);
let intPool = new Int32Array(0);
function floats(count: number, size: number): Float64Array[] {
  if (floatPool.length < count * size) floatPool = new Float64Array(count * size);
  return Array.from({ length: count }, (_, i) => floatPool.subarray(i * size, (i + 1) * size));
}
function ints(size: number): Int32Array {
  if (intPool.length < size) intPool = new Int32Array(size);
  return intPool;
}

export interface HeatingPlan {
  u: Float64Array;
  cost: number;
}

/** The cheapest feasible heating found for `price` (objective units per slot of heating), or null. */
export function cheapestHeating(h: ThermalDynamics, price: Float64Array, binsPerStep = 64): HeatingPlan | null {
  const g = gridOf(h, binsPerStep);
  const B = g.count;
  let [cost, temp, nextCost, nextTemp] = floats(4, B);
  cost.fill(Infinity);
  const back = ints(h.n * B);
  cost[binOf(g, h.t0)] = 0;
  temp[binOf(g, h.t0)] = h.t0;
  for (let t = 0; t < h.n; t++) {
    nextCost.fill(Infinity);
    const lo = h.lower[t] - TOL;
    const hi = h.upper[t] + TOL;
    const drift = h.a * h.outside[t];
    for (let k = 0; k < B; k++) {
      const c = cost[k];
      if (c === Infinity) continue;
      const off = temp[k] * (1 - h.a) + drift;
      for (let u = 0; u < 2; u++) {
        const T = u ? off + h.b : off;
        if (T < lo || T > hi) continue;
        const cu = u ? c + price[t] : c;
        const kk = binOf(g, T);
        if (cu < nextCost[kk]) {
          nextCost[kk] = cu;
          nextTemp[kk] = T;
          back[t * B + kk] = 2 * k + u;
        }
      }
    }
    [cost, nextCost] = [nextCost, cost];
    [temp, nextTemp] = [nextTemp, temp];
  }
  let best = -1;
  for (let k = 0; k < B; k++) if (cost[k] < Infinity && (best < 0 || cost[k] < cost[best])) best = k;
  if (best < 0) return null;
  const u = new Float64Array(h.n);
  const total = cost[best];
  for (let t = h.n - 1, k = best; t >= 0; t--) {
    const b = back[t * B + k];
    u[t] = b & 1;
    k = b >> 1;
  }
  return { u, cost: total };
}

/**
 * A lower bound of the least cost of any feasible on/off heating at `price` (Infinity: none is
 * feasible). `maxBins` caps the grid: a finer one is tighter and slower.
 */
export function heatingCostBound(h: ThermalDynamics, price: Float64Array, binsPerStep = 128, maxBins = MAX_BINS): number {
  const g = gridOf(h, binsPerStep, maxBins);
  const B = g.count;
  let [cost, low, high, nextCost, nextLow, nextHigh] = floats(6, B);
  cost.fill(Infinity);
  const k0 = binOf(g, h.t0);
  cost[k0] = 0;
  low[k0] = high[k0] = h.t0;
  const keep = (k: number, c: number, from: number, to: number) => {
    if (nextCost[k] === Infinity) {
      nextCost[k] = c;
      nextLow[k] = from;
      nextHigh[k] = to;
      return;
    }
    if (c < nextCost[k]) nextCost[k] = c;
    if (from < nextLow[k]) nextLow[k] = from;
    if (to > nextHigh[k]) nextHigh[k] = to;
  };
  for (let t = 0; t < h.n; t++) {
    nextCost.fill(Infinity);
    const lo = h.lower[t] - TOL;
    const hi = h.upper[t] + TOL;
    const drift = h.a * h.outside[t];
    for (let k = 0; k < B; k++) {
      const c = cost[k];
      if (c === Infinity) continue;
      for (let u = 0; u < 2; u++) {
        // The interval of temperatures of the bin, moved one slot on, inside the band.
        const from = Math.max(lo, low[k] * (1 - h.a) + drift + (u ? h.b : 0));
        const to = Math.min(hi, high[k] * (1 - h.a) + drift + (u ? h.b : 0));
        if (from > to) continue;
        const cu = u ? c + price[t] : c;
        // Split over the bins it covers (the clamped end bins take what lies beyond the grid).
        const first = binOf(g, from);
        const last = binOf(g, to);
        for (let kk = first; kk <= last; kk++) {
          const binLo = kk === first ? from : g.lo + kk * g.width;
          const binHi = kk === last ? to : g.lo + (kk + 1) * g.width;
          keep(kk, cu, binLo, binHi);
        }
      }
    }
    [cost, nextCost] = [nextCost, cost];
    [low, nextLow] = [nextLow, low];
    [high, nextHigh] = [nextHigh, high];
  }
  let best = Infinity;
  for (let k = 0; k < B; k++) if (cost[k] < best) best = cost[k];
  return best;
}
