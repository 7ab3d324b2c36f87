// The PV power the room may use: the dispatchable share of the production, and what the forecast
// promises within the look-ahead (the lowest value, so a promise is never optimistic).
import { SlotGrid } from "../time";
import type { RoomConfig } from "./config";
import type { RoomInputs } from "./inputs";

/** Dispatchable PV (W), or undefined when the production is unknown or stale. */
export function dispatchablePv(inputs: RoomInputs, config: RoomConfig): number | undefined {
  const pv = inputs.pv;
  if (!pv || !Number.isFinite(pv.w) || inputs.now - pv.at > config.staleMs) return undefined;
  return Math.max(0, Math.max(0, pv.w) * config.pvShare - config.pvReserveW);
}

/**
 * The lowest dispatchable PV the forecast gives over the slots from now to now + look-ahead, or
 * undefined when there is no forecast, it does not cover that span, or it has a gap there.
 */
export function forecastFloor(inputs: RoomInputs, config: RoomConfig): number | undefined {
  const series = inputs.pvForecast;
  if (!series || config.forecastLookaheadMs <= 0) return undefined;
  const grid = new SlotGrid({ zone: config.zone, stepMinutes: series.stepMinutes });
  const first = grid.indexFrom(series.start, inputs.now);
  const last = grid.indexFrom(series.start, inputs.now + config.forecastLookaheadMs);
  if (first < 0 || last >= series.values.length) return undefined;
  let floor = Infinity;
  // The slot in progress is what the measurement already says; the promise is the coming ones.
  for (let i = Math.max(first + 1, 0); i <= last; i++) {
    const v = series.values[i];
    if (v === null || v === undefined) return undefined;
    floor = Math.min(floor, Math.max(0, v * config.pvShare - config.pvReserveW));
  }
  return Number.isFinite(floor) ? floor : undefined;
}
