// ELFE's operational indicators, computed from what the flows already have: the latest plan,
// the devices (piloted or not, last start), their readings and the territory's meters.
// Every indicator has a stable name, usable as a Zabbix trapper item key or an MQTT topic.
import type { Plan, Reading } from "../types";
import { toMillis, type Instant } from "../time/grid";
import type { FlexLedger } from "./flex-ledger";

export interface IndicatorDevice {
  deviceId: string;
  /** ELFE mode 30: the EMS places it. */
  piloted: boolean;
  /** Last time the appliance was started (ELFE's timestamp_derniere_mise_en_marche). */
  lastStart?: string;
}

/** Average powers over the period, W; production split by source. */
export interface TerritoryMeters {
  consumptionW: number;
  production: { solar?: number; wind?: number; methanisation?: number; other?: number };
}

export interface IndicatorInput {
  now: Instant;
  plan?: Plan;
  devices?: IndicatorDevice[];
  readings?: Reading[];
  meters?: TerritoryMeters;
  /** Participants enrolled in the project, for the balance scaled to the active panel. */
  enrolledParticipants?: number;
  /** Participants whose devices report now (default: the count of online devices). */
  connectedParticipants?: number;
  /** A device is connected when its last reading is at most this old (default 30 min). */
  onlineWithinMinutes?: number;
  /** What a FlexLedger counted over time (lib/indicators/flex-ledger.ts). */
  ledger?: ReturnType<FlexLedger["totals"]>;
}

export interface Indicator {
  /** Stable name, e.g. "flex.energy_placed_wh": a Zabbix item key or the last part of an MQTT topic. */
  name: string;
  value: number;
  unit: string;
}

const RENEWABLE_SOURCES = ["solar", "wind", "methanisation"] as const;

/** Energy, Wh, of the positive part of f(value) over slots of `stepMinutes`. */
function energyWh(values: number[], stepMinutes: number, f: (v: number) => number): number {
  return values.reduce((sum, v) => sum + Math.max(0, f(v)), 0) * (stepMinutes / 60);
}

function planIndicators(plan: Plan): Indicator[] {
  const step = plan.stepMinutes;
  const placedWh = plan.devices.reduce((s, d) => s + d.energyWh, 0);
  const importsWithoutWh = energyWh(plan.curves.withoutFlexW, step, (b) => -b);
  const importsWithWh = energyWh(plan.curves.withFlexW, step, (b) => -b);
  // Flexible energy that lands in surplus slots: what the placement saved compared with drawing
  // the same energy from the grid.
  const inSurplusWh = plan.curves.withoutFlexW.reduce((s, before, t) => {
    const flex = before - (plan.curves.withFlexW[t] ?? before);
    return s + Math.min(Math.max(0, flex), Math.max(0, before));
  }, 0) * (step / 60);
  return [
    { name: "flex.energy_placed_wh", value: placedWh, unit: "Wh" },
    { name: "flex.energy_in_surplus_wh", value: inSurplusWh, unit: "Wh" },
    { name: "flex.imports_avoided_wh", value: placedWh - (importsWithWh - importsWithoutWh), unit: "Wh" },
    { name: "flex.imports_with_plan_wh", value: importsWithWh, unit: "Wh" },
    { name: "ems.run_time_ms", value: plan.runInfo.buildMs + plan.runInfo.solveMs, unit: "ms" },
    { name: "ems.device_count", value: plan.runInfo.deviceCount, unit: "" },
    { name: "ems.warning_count", value: plan.warnings.length, unit: "" },
  ];
}

function deviceIndicators(now: number, devices: IndicatorDevice[], readings: Reading[], onlineMs: number): Indicator[] {
  const latest = new Map<string, Reading>();
  for (const r of readings) {
    const prev = latest.get(r.deviceId);
    if (!prev || toMillis(r.ts) > toMillis(prev.ts)) latest.set(r.deviceId, r);
  }
  const connected = [...latest.values()].filter((r) => r.online !== false && now - toMillis(r.ts) <= onlineMs).length;
  const piloted = devices.filter((d) => d.piloted);
  const launched = piloted.filter((d) => d.lastStart !== undefined && now - toMillis(d.lastStart) <= 24 * 3_600_000 && toMillis(d.lastStart) <= now);
  return [
    { name: "devices.connected", value: connected, unit: "" },
    { name: "devices.piloted", value: piloted.length, unit: "" },
    { name: "devices.piloted_launched_24h_ratio", value: piloted.length ? launched.length / piloted.length : 0, unit: "ratio" },
  ];
}

function meterIndicators(meters: TerritoryMeters, panelRatio: number | undefined): Indicator[] {
  const sources = { ...meters.production };
  const productionW = Object.values(sources).reduce((s: number, v) => s + Math.max(0, v ?? 0), 0);
  const renewableW = RENEWABLE_SOURCES.reduce((s, k) => s + Math.max(0, sources[k] ?? 0), 0);
  const consumptionW = Math.max(0, meters.consumptionW);
  const selfConsumedW = Math.min(productionW, consumptionW);
  const balanceW = productionW - consumptionW;
  const out: Indicator[] = [
    { name: "territory.production_w", value: productionW, unit: "W" },
    { name: "territory.consumption_w", value: consumptionW, unit: "W" },
    { name: "territory.balance_w", value: balanceW, unit: "W" },
    { name: "territory.self_consumed_w", value: selfConsumedW, unit: "W" },
    { name: "territory.self_consumption_ratio", value: productionW > 0 ? selfConsumedW / productionW : 0, unit: "ratio" },
    { name: "territory.self_sufficiency_ratio", value: consumptionW > 0 ? selfConsumedW / consumptionW : 0, unit: "ratio" },
    { name: "territory.renewable_w", value: renewableW, unit: "W" },
  ];
  for (const k of RENEWABLE_SOURCES) {
    const w = Math.max(0, sources[k] ?? 0);
    out.push({ name: `production.${k}_w`, value: w, unit: "W" }, { name: `production.${k}_share`, value: productionW > 0 ? w / productionW : 0, unit: "ratio" });
  }
  // ELFE's "equilibre2": the balance as if only the active panel took part.
  if (panelRatio !== undefined) out.push({ name: "territory.balance_active_panel_w", value: balanceW * panelRatio, unit: "W" });
  return out;
}

/** All the indicators the inputs allow; those whose inputs are missing are simply absent. */
export function computeIndicators(input: IndicatorInput): Indicator[] {
  const now = toMillis(input.now);
  const out: Indicator[] = [];
  if (input.plan) out.push(...planIndicators(input.plan));
  if (input.devices || input.readings) {
    out.push(...deviceIndicators(now, input.devices ?? [], input.readings ?? [], (input.onlineWithinMinutes ?? 30) * 60_000));
  }
  if (input.meters) {
    const connected = input.connectedParticipants ?? out.find((i) => i.name === "devices.connected")?.value;
    const enrolled = input.enrolledParticipants;
    const ratio = enrolled && enrolled > 0 && connected !== undefined ? connected / enrolled : undefined;
    out.push(...meterIndicators(input.meters, ratio));
  }
  if (input.ledger) {
    const l = input.ledger;
    out.push(
      { name: "flex.energy_placed_cumulative_wh", value: l.cumulativeFlexWh, unit: "Wh" },
      { name: "flex.energy_placed_24h_wh", value: l.flexWh24h, unit: "Wh" },
      { name: "territory.consumed_24h_wh", value: l.consumedWh24h, unit: "Wh" },
    );
    if (l.placedShare24h !== undefined) out.push({ name: "flex.placed_share_of_consumption_24h", value: l.placedShare24h, unit: "ratio" });
  }
  for (const i of out) if (!Number.isFinite(i.value)) throw new RangeError(`indicator ${i.name} is not a number: check its inputs`);
  return out;
}
