// Settings of the PV-surplus controller of one load: a relay (water heater, a charger switched by a
// Shelly) or a modulated load (EV charging current, a dimmable heater), with the modes and the
// start/stop thresholds and delays evcc users know.

export type SurplusMode = "off" | "pv" | "minpv" | "now";
export const SURPLUS_MODES: readonly SurplusMode[] = ["off", "pv", "minpv", "now"];
export type LoadKind = "relay" | "modulated";

export interface SurplusConfig {
  kind: LoadKind;
  /** Relay: the load's power. Modulated: the lowest set-point it accepts (W). */
  minW: number;
  /** Modulated: the highest set-point (W); a relay uses minW. */
  maxW: number;
  /** Modulated: set-points are minW + k × stepW (W). */
  stepW: number;
  /** Start once the surplus available to the load has stayed at or above this for startDelayMs (W). */
  startW: number;
  startDelayMs: number;
  /** Stop once the available surplus has stayed below this for stopDelayMs (W). */
  stopW: number;
  stopDelayMs: number;
  minOnMs: number;
  minOffMs: number;
  /** Modulated: the set-point moves only when the surplus leaves a band of ± this around it (W). */
  deadbandW: number;
  /** Modulated: at most one set-point change per this interval, except cuts for the import limit (ms). */
  adjustEveryMs: number;
  /** Never import more than this from the grid because of this load (W); undefined: no limit. */
  importLimitW?: number;
  /** A measurement older than this is no measurement (ms). */
  staleMs: number;
  /** Without a measurement: stop the load, or hold what it does. */
  failSafe: "off" | "hold";
}

export function surplusConfig(partial: Partial<SurplusConfig> & Pick<SurplusConfig, "kind" | "minW">): SurplusConfig {
  const minW = partial.minW;
  const config: SurplusConfig = {
    maxW: minW,
    stepW: 100,
    startW: minW,
    startDelayMs: 60_000,
    stopW: minW / 2,
    stopDelayMs: 3 * 60_000,
    minOnMs: 5 * 60_000,
    minOffMs: 5 * 60_000,
    deadbandW: 100,
    adjustEveryMs: 30_000,
    staleMs: 60_000,
    failSafe: "off",
    ...partial,
  };
  if (config.kind === "relay") config.maxW = minW;
  if (!(minW > 0)) throw new RangeError(`minW must be positive, got ${minW}`);
  if (!(config.maxW >= minW)) throw new RangeError(`maxW (${config.maxW}) must be at least minW (${minW})`);
  if (!(config.stepW > 0)) throw new RangeError(`stepW must be positive, got ${config.stepW}`);
  if (config.stopW > config.startW) throw new RangeError(`stopW (${config.stopW}) must not exceed startW (${config.startW})`);
  for (const k of ["startDelayMs", "stopDelayMs", "minOnMs", "minOffMs", "deadbandW", "adjustEveryMs", "staleMs"] as const) {
    if (!(config[k] >= 0)) throw new RangeError(`${k} must be a non-negative number, got ${config[k]}`);
  }
  if (config.importLimitW !== undefined && !(config.importLimitW >= 0)) throw new RangeError(`importLimitW must be non-negative, got ${config.importLimitW}`);
  return config;
}

/** The set-point grid of a modulated load: minW + k × stepW, clamped to [minW, maxW], floored. */
export function floorStep(config: SurplusConfig, w: number): number {
  if (w <= config.minW) return config.minW;
  const stepped = config.minW + Math.floor((w - config.minW) / config.stepW + 1e-9) * config.stepW;
  return Math.min(config.maxW, stepped);
}
