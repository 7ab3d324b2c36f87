// The surplus available to the load: what the site exports plus what the load itself draws now
// (switching the load off frees its own consumption). Sign convention: balance = production −
// consumption (positive = export); grid power is positive when importing, as P1 and Fronius give it.

export interface SurplusMeasure {
  /** Epoch ms of the measurement. */
  at: number;
  /** Grid power, + import / − export (W). */
  gridW?: number;
  /** Site balance, production − consumption (W). */
  balanceW?: number;
  /** PV production and total site consumption including the load (W). */
  pvW?: number;
  houseW?: number;
  /** The load's own measured power (W); when absent, its current set-point is assumed. */
  loadW?: number;
}

/** The surplus available to the load (W), or undefined when the measurement says nothing. */
export function availableSurplus(m: SurplusMeasure, currentLoadW: number): number | undefined {
  const load = m.loadW ?? currentLoadW;
  if (m.balanceW !== undefined) return m.balanceW + load;
  if (m.gridW !== undefined) return -m.gridW + load;
  if (m.pvW !== undefined && m.houseW !== undefined) return m.pvW - m.houseW + load;
  return undefined;
}
