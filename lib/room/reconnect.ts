// Phase 1 of a room cycle (the seed's "reconnect every laptop in use", made careful): applies the
// overrides, reconnects critical laptops at once, keeps full ones off, and reconnects the others
// either all (the seed) or only while the PV surplus covers them (no chatter).
import { assess, type LaptopView } from "./assess";
import { plugCommand } from "./command";
import type { RoomConfig } from "./config";
import { overrideOf, type RoomInputs } from "./inputs";
import { dispatchablePv } from "./production";
import { signedWatts, watts, type RoomReport, type RoomStep } from "./report";
import { remember, type RoomState } from "./state";
import { minutes, offTimeLeft } from "./timing";

/** Power of the room's plugs that answer and are on (W). */
export function roomConsumption(views: LaptopView[], inputs: RoomInputs, config: RoomConfig, powerOf: (v: LaptopView) => number): number {
  let total = 0;
  for (const v of views) if (v.plugOk && v.on) total += powerOf(v);
  for (const id of config.fixedLoads) {
    const r = inputs.plugs[id];
    const at = r ? Date.parse(r.ts) : NaN;
    if (r && r.online !== false && inputs.now - at <= config.staleMs && r.powerW !== undefined) total += Math.max(0, r.powerW);
  }
  return total;
}

export function estimatedPower(v: LaptopView, state: RoomState, config: RoomConfig): number {
  return state.laptops[v.id]?.lastOnPowerW ?? config.defaultLaptopW;
}

export function reconnectStep(inputs: RoomInputs, stateIn: RoomState, config: RoomConfig): RoomStep {
  const now = inputs.now;
  let state: RoomState = { ...stateIn, reconnected: [], reconnectedAt: now };
  const views = config.laptops.map((id) => assess(id, inputs, stateIn, config));
  const production = dispatchablePv(inputs, config);
  const consumption = roomConsumption(views, inputs, config, (v) => Math.max(0, v.powerW ?? estimatedPower(v, stateIn, config)));
  const report: RoomReport = {
    at: new Date(now).toISOString(),
    phase: "reconnect",
    productionW: production,
    consumptionW: consumption,
    consumptionAfterW: consumption,
    failSafe: production === undefined,
    decisions: [],
    skipped: [],
    notes: [],
    laptops: [],
    summary: "",
  };
  let after = consumption;
  const commands: RoomStep["commands"] = [];
  const switchOn = (v: LaptopView, reason: string) => {
    commands.push(plugCommand(config, v.id, "on", reason, now));
    report.decisions.push({ deviceId: v.id, action: "on", reason });
    state = remember(state, v.id, { on: true, switchedAt: now, shed: false, full: false });
    state.reconnected = [...(state.reconnected ?? []), v.id];
    after += estimatedPower(v, stateIn, config);
  };
  const switchOff = (v: LaptopView, reason: string) => {
    commands.push(plugCommand(config, v.id, "off", reason, now));
    report.decisions.push({ deviceId: v.id, action: "off", reason });
    state = remember(state, v.id, { on: false, switchedAt: now });
    after -= Math.max(0, v.powerW ?? 0);
  };

  const auto: LaptopView[] = [];
  for (const v of views) {
    if (!v.plugOk) {
      report.skipped.push({ deviceId: v.id, reason: `plug of ${v.id} not answering: skipped` });
      continue;
    }
    const override = overrideOf(inputs, v.id);
    if (override) {
      if (override.mode === "on" && !v.on) switchOn(v, `reconnected ${v.id}: manual override`);
      else if (override.mode === "off" && v.on) switchOff(v, `disconnected ${v.id}: manual override`);
      continue;
    }
    auto.push(v);
  }

  if (production === undefined) {
    report.notes.push(`PV production unknown: fail-safe "${config.failSafe}"`);
    for (const v of auto) {
      if (config.failSafe === "on" && !v.on) switchOn(v, `reconnected ${v.id}: PV unknown, fail-safe on`);
      else if (config.failSafe === "off" && v.on) switchOff(v, `disconnected ${v.id}: PV unknown, fail-safe off`);
    }
  } else {
    const waiting: LaptopView[] = [];
    for (const v of auto.filter((l) => !l.on)) {
      const memory = stateIn.laptops[v.id];
      const pct = v.batteryOk ? `${Math.round(v.pct ?? 0)} %` : "";
      const offFor = memory?.on === false && memory.switchedAt !== undefined ? now - memory.switchedAt : 0;
      if (v.critical) {
        switchOn(v, `reconnected ${v.id}: ${pct}, below the critical ${config.criticalPct} %`);
      } else if (!v.batteryOk && memory?.shed && config.maxOffUnknownMs > 0 && offFor >= config.maxOffUnknownMs) {
        switchOn(v, `reconnected ${v.id}: battery unanswered and off for ${minutes(offFor)}`);
      } else if (v.full) {
        report.notes.push(`${v.id} stays off: full (${pct})`);
      } else if (!v.inUse) {
        report.notes.push(`${v.id} stays off: not in use`);
      } else if (offTimeLeft(memory, now, config) > 0) {
        report.notes.push(`${v.id} stays off: minimum off time, ${minutes(offTimeLeft(memory, now, config))} left`);
      } else {
        waiting.push(v);
      }
    }
    if (config.reconnect === "all") {
      for (const v of waiting) switchOn(v, `reconnected ${v.id}: in use, measuring`);
    } else {
      // Lowest state of charge first: it needs the energy most.
      waiting.sort((a, b) => a.priorityPct - b.priorityPct || a.id.localeCompare(b.id));
      for (const v of waiting) {
        const need = estimatedPower(v, stateIn, config);
        const surplus = production - after;
        const pct = v.batteryOk ? `${Math.round(v.pct ?? 0)} %` : `priority ${v.priorityPct} %`;
        if (surplus >= need + config.hysteresisW) switchOn(v, `reconnected ${v.id}: ${pct}, surplus ${signedWatts(surplus)} covers ${watts(need)}`);
        else report.notes.push(`${v.id} stays off: surplus ${signedWatts(surplus)} < ${watts(need)} + ${watts(config.hysteresisW)}`);
      }
    }
  }
  report.consumptionAfterW = after;
  report.balanceW = production === undefined ? undefined : production - after;
  report.laptops = views.map(line);
  report.summary = summaryOf(report);
  return { commands, state, report };
}

export function line(v: LaptopView): RoomReport["laptops"][number] {
  return { id: v.id, on: v.on, powerW: v.powerW, pct: v.pct, priorityPct: v.priorityPct, full: v.full, critical: v.critical };
}

export function summaryOf(report: RoomReport): string {
  if (report.decisions.length > 0) {
    const more = report.decisions.length > 1 ? ` (+${report.decisions.length - 1})` : "";
    return `${report.decisions[0].reason}${more}`;
  }
  if (report.productionW === undefined) return report.notes[0] ?? "PV production unknown";
  return `no change: PV ${watts(report.productionW)}, room ${watts(report.consumptionAfterW)}, balance ${signedWatts(report.productionW - report.consumptionAfterW)}`;
}
