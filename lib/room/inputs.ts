// What the room manager knows at a cycle: the latest readings by device, the PV production, an
// optional PV forecast and the manual overrides in force. Any source can fill it.
import type { Reading, SlotSeries } from "../types";

export interface RoomOverride {
  mode: "on" | "off";
  /** Epoch ms; absent = until given back with "auto". */
  until?: number;
}

export interface RoomInputs {
  /** Epoch ms of the decision. */
  now: number;
  /** Latest plug reading by device id (powerW, on, online). */
  plugs: Record<string, Reading>;
  /** Latest battery reading by laptop id (batteryPct, charging, online). */
  batteries: Record<string, Reading>;
  /** PV production (W) and when it was read (epoch ms). */
  pv?: { w: number; at: number };
  /** PV production forecast (W), read on the room's zone grid. */
  pvForecast?: SlotSeries;
  /** Manual overrides by device id ("*" for every laptop). */
  overrides: Record<string, RoomOverride>;
}

export function emptyInputs(now: number): RoomInputs {
  return { now, plugs: {}, batteries: {}, overrides: {} };
}

/** The override in force for a laptop at `now`, if any (a device's own wins over "*"). */
export function overrideOf(inputs: RoomInputs, id: string): RoomOverride | undefined {
  for (const o of [inputs.overrides[id], inputs.overrides["*"]]) {
    if (o && (o.until === undefined || o.until > inputs.now)) return o;
  }
  return undefined;
}
