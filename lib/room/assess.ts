// One laptop as the manager sees it at a cycle: does its plug answer, is it on, what does it draw,
// what is its battery priority, is it full or critical.
import type { RoomConfig } from "./config";
import type { RoomInputs } from "./inputs";
import type { RoomState } from "./state";

export interface LaptopView {
  id: string;
  /** The plug answered recently. */
  plugOk: boolean;
  on: boolean;
  /** Measured power (W) when the plug answered. */
  powerW?: number;
  /** When the plug reading was taken (epoch ms). */
  plugAt?: number;
  /** Battery state of charge when the battery service answered recently. */
  pct?: number;
  /** Sorting key: pct, or the configured default when the battery service is silent. */
  priorityPct: number;
  batteryOk: boolean;
  full: boolean;
  critical: boolean;
  /** In use: its battery service answers (it runs), it draws, or the manager shed it. */
  inUse: boolean;
}

function fresh(ts: string | undefined, now: number, staleMs: number): number | undefined {
  if (!ts) return undefined;
  const at = Date.parse(ts);
  return Number.isFinite(at) && now - at <= staleMs ? at : undefined;
}

export function assess(id: string, inputs: RoomInputs, state: RoomState, config: RoomConfig): LaptopView {
  const memory = state.laptops[id] ?? {};
  const plug = inputs.plugs[id];
  const plugAt = plug && plug.online !== false ? fresh(plug.ts, inputs.now, config.staleMs) : undefined;
  const plugOk = plugAt !== undefined && (plug?.powerW !== undefined || plug?.on !== undefined);
  const powerW = plugOk ? plug?.powerW : undefined;
  const on = plugOk ? (plug?.on ?? (powerW ?? 0) > config.idleW) : (memory.on ?? false);

  const battery = inputs.batteries[id];
  const batteryAt = battery && battery.online !== false ? fresh(battery.ts, inputs.now, config.staleMs) : undefined;
  const pct = batteryAt !== undefined ? battery?.batteryPct : undefined;
  const batteryOk = pct !== undefined;
  const full = batteryOk && (pct >= config.fullPct || (memory.full === true && pct >= config.fullResumePct));
  const critical = batteryOk && pct < config.criticalPct;
  const inUse = batteryOk || (on && (powerW ?? 0) > config.idleW) || memory.shed === true;
  return {
    id,
    plugOk,
    on,
    powerW,
    plugAt,
    pct,
    priorityPct: pct ?? config.defaultPriorityPct,
    batteryOk,
    full,
    critical,
    inUse,
  };
}

/** Shedding order: highest state of charge first; ties by higher power (one switch sheds more), then id. */
export function byShedOrder(a: LaptopView, b: LaptopView): number {
  return b.priorityPct - a.priorityPct || (b.powerW ?? 0) - (a.powerW ?? 0) || a.id.localeCompare(b.id);
}

export function fmtPct(v: LaptopView): string {
  return v.batteryOk ? `${Math.round(v.pct ?? 0)} %` : `battery unanswered, priority ${v.priorityPct} %`;
}
