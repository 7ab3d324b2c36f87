// The room manager's settings, with the defaults the seed and the issue give, and the preset that
// reproduces the seed's plain loop (for comparisons).
import type { PlugFamily } from "../types";

export type ReconnectPolicy = "surplus" | "all";
export type RoomFailSafe = "hold" | "on" | "off";

export interface RoomConfig {
  /** Laptop ids: the plug readings, the battery readings and the plug commands all carry this id. */
  laptops: string[];
  /** Other plugs of the room: measured into the consumption, never switched. */
  fixedLoads: string[];
  /** Plug family of the commands (the room's Jeedom wall plugs by default). */
  family: PlugFamily;
  /** IANA zone used to read PV forecast series on their slot grid. */
  zone: string;
  /** At or above: disconnected anyway (battery health). */
  fullPct: number;
  /** A laptop disconnected as full is reconnected only once below this. */
  fullResumePct: number;
  /** Below: never disconnected, and reconnected whatever the PV. */
  criticalPct: number;
  /** Sorting priority of a laptop whose battery service does not answer. */
  defaultPriorityPct: number;
  /** A plug drawing no more than this is idle: nothing to gain by switching it. */
  idleW: number;
  /** Power assumed for a laptop never measured while on. */
  defaultLaptopW: number;
  /** A laptop shed for lack of PV is reconnected only when the surplus covers its power plus this. */
  hysteresisW: number;
  /** Minimum time a plug stays on after being switched on (ms). */
  minOnMs: number;
  /** Minimum time a plug stays off after being switched off (ms). */
  minOffMs: number;
  /** A reading older than this counts as unanswered (ms). */
  staleMs: number;
  /** Share of the PV production dispatchable to the room (0..1). */
  pvShare: number;
  /** Power kept aside from the dispatchable PV (W). */
  pvReserveW: number;
  /** "surplus": reconnect a shed laptop only when the surplus covers it; "all": the seed's reconnect-everything. */
  reconnect: ReconnectPolicy;
  /** Do not shed when the PV forecast covers the consumption within this look-ahead (ms; 0 = no forecast). */
  forecastLookaheadMs: number;
  /**
   * A laptop in use whose battery service is silent may be running down unseen: once shed, it is
   * reconnected after this long whatever the PV (ms; 0 = never).
   */
  maxOffUnknownMs: number;
  /** What to do with the laptops while the PV production is unknown. */
  failSafe: RoomFailSafe;
}

export const ROOM_DEFAULTS: RoomConfig = {
  laptops: [],
  fixedLoads: [],
  family: "jeedom",
  zone: "Europe/Paris",
  fullPct: 80,
  fullResumePct: 75,
  criticalPct: 20,
  defaultPriorityPct: 50,
  idleW: 2,
  defaultLaptopW: 45,
  hysteresisW: 10,
  minOnMs: 20 * 60_000,
  minOffMs: 20 * 60_000,
  staleMs: 15 * 60_000,
  pvShare: 1,
  pvReserveW: 0,
  reconnect: "surplus",
  forecastLookaheadMs: 0,
  maxOffUnknownMs: 0,
  failSafe: "hold",
};

export function roomConfig(partial: Partial<RoomConfig>): RoomConfig {
  const config = { ...ROOM_DEFAULTS, ...partial };
  const pct = (name: keyof RoomConfig, v: number, max = 101) => {
    if (!Number.isFinite(v) || v < 0 || v > max) throw new RangeError(`${name} must be from 0 to ${max}, got ${v}`);
  };
  pct("fullPct", config.fullPct);
  pct("fullResumePct", config.fullResumePct);
  pct("criticalPct", config.criticalPct);
  pct("defaultPriorityPct", config.defaultPriorityPct, 100);
  pct("pvShare", config.pvShare, 1);
  if (config.fullResumePct > config.fullPct) throw new RangeError("fullResumePct must not exceed fullPct");
  for (const name of ["idleW", "defaultLaptopW", "hysteresisW", "minOnMs", "minOffMs", "staleMs", "pvReserveW", "forecastLookaheadMs", "maxOffUnknownMs"] as const) {
    const v = config[name];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative number, got ${v}`);
  }
  const ids = [...config.laptops, ...config.fixedLoads];
  if (new Set(ids).size !== ids.length) throw new RangeError("a device id is listed twice in the room");
  return config;
}

/**
 * The seed's plain loop: reconnect every laptop in use each period, shed by state of charge while
 * consumption exceeds production, nothing else (no thresholds, no hysteresis, no minimum times).
 */
export function seedLoopConfig(partial: Partial<RoomConfig>): RoomConfig {
  return roomConfig({
    fullPct: 101,
    fullResumePct: 101,
    criticalPct: 0,
    hysteresisW: 0,
    minOnMs: 0,
    minOffMs: 0,
    reconnect: "all",
    forecastLookaheadMs: 0,
    maxOffUnknownMs: 0,
    ...partial,
  });
}
