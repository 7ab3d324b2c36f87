// What every room decision says about itself: the commands with their reasons, the devices
// skipped and why, the balance before and after, one line for a status.
import type { DeviceCommand } from "../types";
import type { RoomState } from "./state";

export type RoomPhase = "reconnect" | "shed";

export interface LaptopLine {
  id: string;
  on: boolean;
  powerW?: number;
  pct?: number;
  priorityPct: number;
  full: boolean;
  critical: boolean;
}

export interface RoomReport {
  at: string;
  phase: RoomPhase;
  /** Dispatchable PV (W); absent when the production is unknown. */
  productionW?: number;
  /** The forecast floor over the look-ahead, when one was used. */
  forecastW?: number;
  consumptionW: number;
  /** Consumption once the commands of this step are applied. */
  consumptionAfterW: number;
  /** production − consumption after the step (positive = surplus). */
  balanceW?: number;
  failSafe: boolean;
  decisions: { deviceId: string; action: "on" | "off"; reason: string }[];
  skipped: { deviceId: string; reason: string }[];
  notes: string[];
  laptops: LaptopLine[];
  /** One line: the first decision, or the balance. */
  summary: string;
}

export interface RoomStep {
  commands: DeviceCommand[];
  state: RoomState;
  report: RoomReport;
}

export const watts = (w: number): string => `${Math.round(w)} W`;
export const signedWatts = (w: number): string => `${w >= 0 ? "+" : "−"}${Math.round(Math.abs(w))} W`;
