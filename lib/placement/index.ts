// Placement of flexible consumption on the territory's forecast balance (ELFE's EMS, §2–§3):
// requests -> consumers (one file per type) -> repaired constraints -> typed-array MILP ->
// HiGHS (LP first) or greedy -> Plan. Pure: the HiGHS runtime is passed in.
import type { Highs } from "highs";
import { SlotGrid, toMillis } from "../time/grid";
import type { Territory } from "../territory";
import { SCHEMA_VERSION, type FlexRequest, type Plan, type PlanWarning, type SlotSeries } from "../types";
import { Horizon, type BuildEnv, type Job, type PlacementOptions, type Warn } from "./context";
import { prepareMachine } from "./consumers/machine";
import { prepareWaterHeater } from "./consumers/water-heater";
import { prepareEv } from "./consumers/ev";
import { preparePilotWire } from "./consumers/heater-pilot-wire";
import { prepareThermal } from "./consumers/heater-thermal";
import { loadsOf, solveJobs, type Balance, type SolveResult } from "./solve";

export type { PlacementOptions } from "./context";

export interface PlacementInput {
  territory: Territory;
  /** Forecast balance (production − non-flexible consumption), W per slot; its start is the plan's first slot. */
  forecast: SlotSeries;
  requests: FlexRequest[];
  options?: PlacementOptions;
}

export interface PlacementResult {
  plan: Plan;
  /** Figures that are not part of the Plan contract (bench, status). */
  details: {
    cost?: number;
    lpBoundWh?: number;
    greedyImportsWh?: number;
    importsBeforeWh: number;
    notes: string[];
  };
}

let loading: Promise<Highs> | undefined;
/** The HiGHS WebAssembly runtime, loaded once per thread. */
export function loadHighs(): Promise<Highs> {
  if (!loading) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loader = require("highs") as (o?: object) => Promise<Highs>;
    loading = loader();
  }
  return loading;
}

/** Gaps (null) filled linearly between known neighbours, held at the ends. Throws when nothing is known. */
function filledForecast(values: (number | null)[], n: number): { values: Float64Array; gaps: number } {
  const out = new Float64Array(n);
  const known: number[] = [];
  for (let t = 0; t < n; t++) {
    const v = values[t];
    if (v !== null && v !== undefined && typeof v === "number") {
      if (!Number.isFinite(v)) throw new RangeError(`forecast value of slot ${t} is ${v}: not a finite number of W`);
      known.push(t);
    }
  }
  if (known.length === 0) throw new RangeError("the forecast has no value: nothing to place the loads on");
  for (let t = 0; t < n; t++) {
    const v = values[t];
    if (v !== null && v !== undefined) {
      out[t] = v;
      continue;
    }
    let k = 0;
    while (k < known.length && known[k] < t) k++;
    const after = known[k];
    const before = known[k - 1];
    if (before === undefined) out[t] = values[after] as number;
    else if (after === undefined) out[t] = values[before] as number;
    else out[t] = (values[before] as number) + (((values[after] as number) - (values[before] as number)) * (t - before)) / (after - before);
  }
  return { values: out, gaps: n - known.length };
}

/** The consumer of one request (repaired, with its warnings), or null when it cannot be placed. */
export function prepare(req: FlexRequest, h: Horizon, opts: PlacementOptions, warn: Warn): Job | null {
  switch (req.kind) {
    case "machine":
      return prepareMachine(req, h, warn);
    case "water-heater":
      return prepareWaterHeater(req, h, opts.waterHeaterExtraHours ?? 2, warn);
    case "ev":
      return prepareEv(req, h, warn);
    case "heater-pilot-wire":
      return preparePilotWire(req, h, warn);
    case "heater-thermal":
      return prepareThermal(req, h, warn);
  }
}

function priceWeights(prices: number[] | undefined, n: number, dtH: number, name: string): Float64Array | undefined {
  if (!prices) return undefined;
  if (prices.length < n) throw new RangeError(`${name} has ${prices.length} values for ${n} slots`);
  return Float64Array.from(prices.slice(0, n), (p, t) => {
    if (!Number.isFinite(p)) throw new RangeError(`${name}[${t}] is not a finite number`);
    return (p * dtH) / 1000;
  });
}

/**
 * `prepared`: consumers the caller built itself, placed with the requests' ones. Tests of the
 * solver's fallbacks use it for models no request can produce (every consumer is feasible by
 * construction once repaired).
 */
export function placeFlexibility(highs: Highs | undefined, input: PlacementInput, prepared: Job[] = []): PlacementResult {
  const t0 = performance.now();
  const opts = input.options ?? {};
  const territory = input.territory;
  const grid = new SlotGrid({ zone: territory.zone, stepMinutes: territory.stepMinutes });
  const forecast = input.forecast;
  if (forecast.stepMinutes !== territory.stepMinutes) throw new RangeError(`the forecast has ${forecast.stepMinutes}-min slots, the territory ${territory.stepMinutes}-min ones`);
  const begin = toMillis(forecast.start);
  if (grid.slotStart(begin).toMillis() !== begin) throw new RangeError(`the forecast starts at ${forecast.start}, not on a slot boundary of ${territory.zone}`);
  const n = Math.min(forecast.values.length, territory.horizonSlots);
  if (n === 0) throw new RangeError("the forecast has no slot");
  const { values: balanceW, gaps } = filledForecast(forecast.values, n);
  const h = new Horizon(grid, begin, n);

  const warnings: PlanWarning[] = [];
  const warn: Warn = (code, deviceId, message) => warnings.push(deviceId === undefined ? { code, message } : { code, deviceId, message });
  if (gaps > 0) warn("WARN_IGNORED", undefined, `the forecast has ${gaps} missing slot(s): filled linearly from their neighbours`);

  const seen = new Set<string>();
  const names = new Map(input.requests.filter((r) => r.name).map((r) => [r.deviceId, r.name!]));
  const jobs: Job[] = [];
  for (const req of input.requests) {
    if (seen.has(req.deviceId)) {
      warn("WARN_IGNORED", req.deviceId, `${req.deviceId}: a second request for the same device: ignored`);
      continue;
    }
    seen.add(req.deviceId);
    const job = prepare(req, h, opts, warn);
    if (job) jobs.push(job);
  }
  jobs.push(...prepared);

  // Objective weights: energy (Wh) or, with prices, money.
  const importW = priceWeights(opts.importPrice, n, h.dtH, "importPrice") ?? new Float64Array(n).fill(h.dtH);
  const exportW = priceWeights(opts.exportPrice, n, h.dtH, "exportPrice");
  if (exportW) for (let t = 0; t < n; t++) if (exportW[t] > importW[t] + 1e-12) throw new RangeError(`exportPrice[${t}] is above importPrice[${t}]: the cost would be unbounded`);
  const unitPerWh = opts.importPrice ? importW.reduce((s, w) => s + w, 0) / n / h.dtH : 1;
  const env: BuildEnv = { horizon: h, weight: importW, unitPerWh, tieBreak: opts.tieBreak === true, eps: 1e-4 * unitPerWh, stabilityWh: Math.max(0, opts.stabilityWh ?? 0), optionalStage: false };
  const settings = { timeLimitS: opts.timeLimitS ?? 10, mipGap: opts.mipGap ?? 5e-5, method: opts.method ?? "auto", withGreedy: opts.withGreedy === true };

  const fixedLoad = new Float64Array(n);
  for (const j of jobs) if (j.fixedW) for (let t = 0; t < n; t++) fixedLoad[t] += j.fixedW[t];

  let active = jobs.filter((j) => !j.optional);
  const optional = jobs.filter((j) => j.optional);
  const dropped = new Set<Job>();
  const balanceOf = (list: Job[]): Balance => {
    const deficit = new Float64Array(n);
    for (let t = 0; t < n; t++) deficit[t] = -balanceW[t];
    for (const j of list) if (j.fixedW) for (let t = 0; t < n; t++) deficit[t] += j.fixedW[t];
    for (const j of optional) if (j.fixedW) for (let t = 0; t < n; t++) deficit[t] += j.fixedW[t];
    const maxW = importW.reduce((m, w) => Math.max(m, w), 0);
    const capW = opts.feederLimitKw === undefined ? undefined : Float64Array.from(deficit, (d) => Math.max(opts.feederLimitKw! * 1000, d));
    return { n, deficit, weight: importW, exportWeight: exportW, capW, penalty: 1000 * maxW, noImport: false };
  };
  const dropGroup = (list: Job[], why: string, only?: (j: Job) => boolean): Job[] | null => {
    const groups = [...new Set(list.filter((j) => j.group < 99 && (!only || only(j))).map((j) => j.group))].sort((a, b) => a - b);
    if (groups.length === 0) return null;
    const g = groups[0];
    const out: Job[] = [];
    for (const j of list) {
      if (j.group === g && (!only || only(j))) {
        dropped.add(j);
        warn("WARN_IMPOSSIBLE", j.deviceId, `${j.deviceId}: left out, ${why}`);
      } else out.push(j);
    }
    return out;
  };

  const buildMs0 = performance.now() - t0;
  let result: SolveResult;
  let balance: Balance;
  for (;;) {
    balance = balanceOf(active);
    result = solveJobs(highs, balance, active, env, highs ? settings : { ...settings, method: "greedy" });
    if (result.infeasible) {
      // Only the devices that cause it are left out: those without a plan even on their own.
      const culprits = highs ? active.filter((j) => solveJobs(highs, balanceOf([j]), [j], env, settings).infeasible) : [];
      if (culprits.length > 0) {
        for (const j of culprits) {
          dropped.add(j);
          warn("WARN_IMPOSSIBLE", j.deviceId, `${j.deviceId}: left out, the solver finds no plan that meets its constraints, even on its own`);
        }
        active = active.filter((j) => !culprits.includes(j));
        continue;
      }
      const next = dropGroup(active, "the model stays infeasible with its group");
      if (next) {
        active = next;
        continue;
      }
    }
    if (balance.capW) {
      const loads = loadsOf(active, result.x, n);
      const over = new Set<number>();
      for (let t = 0; t < n; t++) if (balance.deficit[t] + loads[t] > balance.capW[t] + 1e-6) over.add(t);
      if (over.size > 0) {
        const causes = (j: Job) => {
          const p = j.decode(result.x).powerW;
          for (const t of over) if (p[t] > 0) return true;
          return false;
        };
        const next = dropGroup(active, `the feeder limit of ${opts.feederLimitKw} kW cannot hold it`, causes);
        if (next) {
          active = next;
          continue;
        }
        warn("WARN_CONSTRAINT", undefined, `the feeder limit of ${opts.feederLimitKw} kW is exceeded at ${[...over].map((t) => h.iso(t)).join(", ")} by machines, which are never left out`);
      }
    }
    break;
  }
  if (result.method === "greedy" && highs) {
    const within = result.gap === undefined ? "" : `, improved by local moves, within ${(100 * result.gap).toFixed(4)} % of the Lagrangian bound`;
    warn("WARN_IMPOSSIBLE", undefined, `HiGHS gave no plan (${result.notes.join("; ") || "no incumbent"}): greedy placement used${within}`);
  } else if (result.notes.includes("time limit reached")) warn("WARN_CONSTRAINT", undefined, `time limit of ${settings.timeLimitS} s reached: plan within ${(100 * (result.gap ?? 0)).toFixed(4)} % of the bound`);
  else if (result.notes.some((n) => n.startsWith("no MILP"))) warn("WARN_CONSTRAINT", undefined, `plan within ${(100 * (result.gap ?? 0)).toFixed(4)} % of the bound: too many devices for the MILP to prove ${(100 * settings.mipGap).toFixed(4)} %`);

  // Surplus-only loads, placed where the mandatory plan leaves surplus, importing nothing.
  let optX: Float64Array | undefined;
  if (optional.length > 0) {
    const loads = loadsOf(active, result.x, n);
    const base = balanceOf(active);
    const deficit = Float64Array.from(base.deficit, (d, t) => Math.min(0, d + loads[t]));
    const stage2: Balance = { n, deficit, weight: importW, penalty: 0, noImport: true };
    const r2 = solveJobs(highs, stage2, optional, { ...env, optionalStage: true, stabilityWh: 0 }, highs ? { ...settings, method: "milp" } : { ...settings, method: "greedy" });
    optX = r2.x;
  }

  // The Plan: decisions per device, curves, run info.
  const flex = new Float64Array(n);
  const devices: Plan["devices"] = [];
  const planned = [...active.map((j) => ({ j, x: result.x })), ...optional.map((j) => ({ j, x: optX! }))];
  const order = new Map(jobs.map((j, i) => [j, i]));
  planned.sort((a, b) => order.get(a.j)! - order.get(b.j)!);
  for (const { j, x } of planned) {
    const d = j.decode(x);
    let e = 0;
    for (let t = 0; t < n; t++) {
      const p = d.powerW[t] + (j.fixedW ? j.fixedW[t] : 0);
      flex[t] += p;
      e += p * h.dtH;
    }
    const dev: Plan["devices"][number] = { deviceId: j.deviceId, kind: j.kind, continuous: j.continuous, decisions: d.decisions, energyWh: Math.round(e * 1000) / 1000 };
    if (j.elfeType !== undefined) dev.elfeType = j.elfeType;
    const name = names.get(j.deviceId);
    if (name) dev.name = name;
    if (d.start !== undefined) dev.start = h.iso(d.start);
    devices.push(dev);
  }
  const withoutFlexW = Array.from(balanceW);
  const withFlexW = withoutFlexW.map((b, t) => b - flex[t]);
  const importsWh = withFlexW.reduce((s, b) => s + (b < 0 ? -b : 0), 0) * h.dtH;
  const importsBeforeWh = withoutFlexW.reduce((s, b) => s + (b < 0 ? -b : 0), 0) * h.dtH;
  const hours = hourlyDeficits(withFlexW, h);
  const energyObjective = !opts.importPrice && !exportW;
  const runInfo: Plan["runInfo"] = {
    buildMs: round3(buildMs0 + result.buildMs),
    solveMs: round3(result.solveMs),
    method: result.method,
    objectiveWh: round3(importsWh),
    deviceCount: devices.length,
    minHourDeficit: hours.min,
    maxHourDeficit: hours.max,
  };
  if (result.bound !== undefined && energyObjective) runInfo.boundWh = round3(result.bound);
  if (result.gap !== undefined) runInfo.gap = result.gap;
  const plan: Plan = {
    schemaVersion: SCHEMA_VERSION,
    territory: territory.name,
    firstValidTimestamp: h.iso(0),
    stepMinutes: territory.stepMinutes,
    slotCount: n,
    devices,
    curves: { withoutFlexW, withFlexW },
    runInfo,
    warnings,
  };
  let cost: number | undefined;
  if (!energyObjective) {
    cost = 0;
    for (let t = 0; t < n; t++) cost += withFlexW[t] < 0 ? -withFlexW[t] * importW[t] : -(exportW ? withFlexW[t] * exportW[t] : 0);
  }
  return {
    plan,
    details: {
      cost,
      lpBoundWh: energyObjective ? result.lpBound : undefined,
      greedyImportsWh: energyObjective ? result.greedyObjective : undefined,
      importsBeforeWh,
      notes: result.notes,
    },
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Min and max hourly mean deficit (−balance after placement) over the whole local hours of the horizon. */
function hourlyDeficits(withFlexW: number[], h: Horizon): { min: { w: number; at: string }; max: { w: number; at: string } } {
  let min = { w: Infinity, at: h.iso(0) };
  let max = { w: -Infinity, at: h.iso(0) };
  const k = h.slotsPerHour;
  for (let t = 0; t < withFlexW.length; t++) {
    if (h.grid.at(h.startMs(t)).minute !== 0 || t + k > withFlexW.length) continue;
    let s = 0;
    for (let i = 0; i < k; i++) s -= withFlexW[t + i];
    const w = round3(s / k);
    if (w < min.w) min = { w, at: h.iso(t) };
    if (w > max.w) max = { w, at: h.iso(t) };
  }
  if (!Number.isFinite(min.w)) {
    const mean = round3(-withFlexW.reduce((s, b) => s + b, 0) / withFlexW.length);
    min = { w: mean, at: h.iso(0) };
    max = { w: mean, at: h.iso(0) };
  }
  return { min, max };
}
