// The room's heating set-point: comfort when occupied or booked (with a pre-heat lead before a
// booking), eco otherwise, raised by a boost while the PV surplus is ample (two thresholds, so a
// surplus near the threshold does not toggle the boost).

export interface WarmthConfig {
  comfortC: number;
  ecoC: number;
  /** Added to the set-point while the PV surplus is ample. */
  boostC: number;
  /** Boost starts when the surplus reaches this (W) … */
  boostOnW: number;
  /** … and stops when it falls below this (W). */
  boostOffW: number;
  /** Comfort starts this long before a booking (ms). */
  preheatMs: number;
  /** Never above this (°C). */
  maxC: number;
}

export const WARMTH_DEFAULTS: WarmthConfig = {
  comfortC: 20,
  ecoC: 16,
  boostC: 1,
  boostOnW: 300,
  boostOffW: 100,
  preheatMs: 30 * 60_000,
  maxC: 22,
};

export interface Booking {
  start: number;
  end: number;
}

export interface WarmthInputs {
  now: number;
  occupied: boolean;
  bookings: Booking[];
  /** PV surplus left after the room's loads (W); undefined: unknown, no boost. */
  surplusW?: number;
}

export interface WarmthState {
  boost?: boolean;
  setpointC?: number;
}

export interface WarmthDecision {
  setpointC: number;
  changed: boolean;
  reason: string;
  state: WarmthState;
}

export function decideWarmth(inputs: WarmthInputs, state: WarmthState, config: WarmthConfig = WARMTH_DEFAULTS): WarmthDecision {
  const booked = inputs.bookings.find((b) => b.start - config.preheatMs <= inputs.now && inputs.now < b.end);
  const comfort = inputs.occupied || booked !== undefined;
  const surplus = inputs.surplusW;
  const boost = surplus !== undefined && (state.boost ? surplus >= config.boostOffW : surplus >= config.boostOnW);
  const base = comfort ? config.comfortC : config.ecoC;
  const setpointC = Math.min(config.maxC, base + (boost ? config.boostC : 0));
  const why = inputs.occupied ? "occupied" : booked ? (inputs.now < booked.start ? "pre-heating for a booking" : "booked") : "unoccupied";
  const boostWhy = boost ? `, +${config.boostC} °C on PV surplus ${Math.round(surplus ?? 0)} W` : "";
  const reason = `${comfort ? "comfort" : "eco"} ${setpointC} °C: ${why}${boostWhy}`;
  return { setpointC, changed: state.setpointC !== setpointC, reason, state: { boost, setpointC } };
}
