// Phase 2 of a room cycle, once the reconnected plugs have settled: the seed's loop (while the
// consumption exceeds the dispatchable PV, disconnect the laptop with the highest state of
// charge) plus the full threshold, the critical level, minimum on times and the PV forecast.
import { assess, byShedOrder, fmtPct, type LaptopView } from "./assess";
import { plugCommand } from "./command";
import type { RoomConfig } from "./config";
import { overrideOf, type RoomInputs } from "./inputs";
import { dispatchablePv, forecastFloor } from "./production";
import { estimatedPower, line, roomConsumption, summaryOf } from "./reconnect";
import { signedWatts, watts, type RoomReport, type RoomStep } from "./report";
import { remember, type RoomState } from "./state";
import { minutes, onTimeLeft } from "./timing";

export function shedStep(inputs: RoomInputs, stateIn: RoomState, config: RoomConfig): RoomStep {
  const now = inputs.now;
  const reconnected = new Set(stateIn.reconnected ?? []);
  const reconnectedAt = stateIn.reconnectedAt ?? -Infinity;
  const views = config.laptops.map((id) => assess(id, inputs, stateIn, config));
  let state: RoomState = { ...stateIn, reconnected: [], reconnectedAt: undefined };

  // A plug switched on at this cycle whose reading predates the switch has not been measured yet.
  const measured = (v: LaptopView) => v.powerW !== undefined && !(reconnected.has(v.id) && (v.plugAt ?? -Infinity) < reconnectedAt);
  const powerOf = (v: LaptopView) => (measured(v) ? Math.max(0, v.powerW ?? 0) : estimatedPower(v, stateIn, config));
  for (const v of views) {
    if (v.plugOk && v.on && measured(v) && (v.powerW ?? 0) > config.idleW) state = remember(state, v.id, { lastOnPowerW: v.powerW });
  }

  const production = dispatchablePv(inputs, config);
  const consumption = roomConsumption(views, inputs, config, powerOf);
  const report: RoomReport = {
    at: new Date(now).toISOString(),
    phase: "shed",
    productionW: production,
    consumptionW: consumption,
    consumptionAfterW: consumption,
    failSafe: production === undefined,
    decisions: [],
    skipped: views.filter((v) => !v.plugOk).map((v) => ({ deviceId: v.id, reason: `plug of ${v.id} not answering: skipped` })),
    notes: [],
    laptops: views.map(line),
    summary: "",
  };
  const commands: RoomStep["commands"] = [];
  let after = consumption;
  const switchOff = (v: LaptopView, reason: string, patch: { shed?: boolean; full?: boolean }) => {
    commands.push(plugCommand(config, v.id, "off", reason, now));
    report.decisions.push({ deviceId: v.id, action: "off", reason });
    state = remember(state, v.id, { on: false, switchedAt: now, ...patch });
    after -= powerOf(v);
  };
  // A reconnection made only to measure (the seed's reconnect-all) does not start a minimum on time.
  const lockLeft = (v: LaptopView) => (config.reconnect === "all" && reconnected.has(v.id) ? 0 : onTimeLeft(stateIn.laptops[v.id], now, config));

  const auto = views.filter((v) => v.plugOk && v.on && !overrideOf(inputs, v.id));
  if (production === undefined) {
    report.notes.push(`PV production unknown: no shedding (fail-safe "${config.failSafe}")`);
  } else {
    for (const v of auto.filter((l) => l.full)) {
      const left = lockLeft(v);
      if (left > 0) report.notes.push(`${v.id} full (${fmtPct(v)}) but minimum on time: ${minutes(left)} left`);
      else switchOff(v, `disconnected ${v.id}: full, ${fmtPct(v)} ≥ ${config.fullPct} %`, { full: true, shed: false });
    }
    const floor = forecastFloor(inputs, config);
    if (after > production && floor !== undefined && floor >= after) {
      report.forecastW = floor;
      report.notes.push(
        `kept on: deficit ${signedWatts(production - after)} but PV forecast ≥ ${watts(floor)} within ${minutes(config.forecastLookaheadMs)}`,
      );
    } else {
      const candidates = auto.filter((v) => !v.full && !v.critical && powerOf(v) > config.idleW).sort(byShedOrder);
      for (const v of candidates) {
        if (after <= production) break;
        const left = lockLeft(v);
        if (left > 0) {
          report.notes.push(`${v.id} kept on: minimum on time, ${minutes(left)} left`);
          continue;
        }
        switchOff(v, `disconnected ${v.id}: ${fmtPct(v)}, surplus ${signedWatts(production - after)}`, { shed: true, full: false });
      }
      const protectedIds = auto.filter((v) => v.critical).map((v) => v.id);
      if (after > production) {
        const why = protectedIds.length > 0 ? `, critical kept on: ${protectedIds.join(", ")}` : "";
        report.notes.push(`deficit remains: ${signedWatts(production - after)}${why}`);
      }
    }
    report.balanceW = production - after;
  }
  report.consumptionAfterW = after;
  report.summary = summaryOf(report);
  return { commands, state, report };
}
