// A simulated day of one load run by the PV-surplus controller: a cloudy PV curve, a noisy house
// load with kettle spikes, a decision every 10 s. Used by the tests (no chatter, import limit)
// and by bench/surplus-day.
import { availableSurplus, decideSurplus, SURPLUS_IDLE, type SurplusConfig, type SurplusMode, type SurplusState } from "../surplus";
import { cloudyPv, random } from "./room-day";

export interface SurplusDayResult {
  /** On/off switches of the load. */
  toggles: number;
  /** Set-point changes (switches included). */
  changes: number;
  loadWh: number;
  /** Energy of the load covered by PV left after the house. */
  pvToLoadWh: number;
  pvWh: number;
  /** PV exported to the grid. */
  exportedWh: number;
  /** Largest grid import caused by the load (W). */
  maxImportByLoadW: number;
}

export function simulateSurplusDay(config: SurplusConfig, peakW: number, seed: number, mode: SurplusMode = "pv", start = 0): SurplusDayResult {
  const pv = cloudyPv(peakW, seed, 0.45);
  const rnd = random(seed + 1);
  let state: SurplusState = SURPLUS_IDLE;
  const r: SurplusDayResult = { toggles: 0, changes: 0, loadWh: 0, pvToLoadWh: 0, pvWh: 0, exportedWh: 0, maxImportByLoadW: 0 };
  for (let t = 0; t < 86_400; t += 10) {
    const house = 300 + 150 * rnd() + (rnd() < 0.05 ? 1500 : 0);
    const p = pv(t / 60);
    const gridW = house + state.setW - p;
    const availableW = availableSurplus({ at: t, gridW, loadW: state.setW }, state.setW);
    const d = decideSurplus({ now: start + t * 1000, mode, availableW }, state, config);
    if (d.on !== state.on) r.toggles++;
    if (d.setW !== state.setW) r.changes++;
    state = d.state;
    const h = 10 / 3600;
    r.loadWh += state.setW * h;
    r.pvWh += p * h;
    r.pvToLoadWh += Math.min(state.setW, Math.max(0, p - house)) * h;
    r.exportedWh += Math.max(0, p - house - state.setW) * h;
    r.maxImportByLoadW = Math.max(r.maxImportByLoadW, Math.min(state.setW, house + state.setW - p));
  }
  return r;
}
