// Hot-water tank (ELFE type 131): its energy at rated power (ELFE adds 2 h) as one ON block
// inside an off-peak window. ELFE keeps only the longest active window; any window that holds
// the block is allowed here, and the longest one not yet ended is the one repaired when none does.
import type { WaterHeaterRequest } from "../../types";
import type { Horizon, Job, Warn } from "../context";
import { ChoiceJob, type ChoiceOption } from "../choice";
import { FixedJob, remainder } from "../fixed";
import { repairWindow } from "../repair";

/** Slots of the ON block: ⌈energy / (P·Δt)⌉ plus the extra hours. */
export function waterHeaterSlots(req: WaterHeaterRequest, h: Horizon, extraHours: number): number {
  const energySlots = Math.ceil(req.energyWh / (req.powerW * h.dtH) - 1e-9);
  return Math.max(0, energySlots) + Math.round(extraHours * h.slotsPerHour);
}

export function prepareWaterHeater(req: WaterHeaterRequest, h: Horizon, extraHours: number, warn: Warn): Job | null {
  const n = h.n;
  const L = waterHeaterSlots(req, h, extraHours);
  const block = new Float64Array(L).fill(req.powerW);
  if (req.running) {
    const since = h.slotOf(req.running.since);
    const fixed = remainder(block, L, since, n);
    const decisions = Array.from(fixed, (p) => (p > 0 ? 1 : 0));
    return new FixedJob(req.deviceId, "water-heater", req.elfeType, true, decisions, fixed, since >= 0 ? since : undefined);
  }
  if (L === 0) return new FixedJob(req.deviceId, "water-heater", req.elfeType, true, new Array<number>(n).fill(0), undefined);
  const windows = req.windows
    .map((w) => ({ s: Math.max(0, h.slotCeil(w.start)), e: Math.min(n, Math.floor((Date.parse(w.end) - h.begin) / h.stepMs)), endMs: Date.parse(w.end), startMs: Date.parse(w.start) }))
    .filter((w) => w.endMs > w.startMs && w.endMs > h.begin && w.s < n);
  if (windows.length === 0) {
    warn("WARN_IGNORED", req.deviceId, `${req.deviceId}: no off-peak window in the horizon: not heated this run`);
    return null;
  }
  const option = (st: number): ChoiceOption => ({ start: st, from: st, powers: block, len: L });
  const previous = req.previousStart === undefined ? undefined : h.slotOf(req.previousStart);
  if (previous === 0 && L <= n) {
    return new ChoiceJob({ deviceId: req.deviceId, kind: "water-heater", elfeType: req.elfeType, optional: false, decisions: "block", options: [option(0)] }, n, h.dtH);
  }
  const starts = new Set<number>();
  for (const w of windows) for (let st = w.s; st + L <= w.e; st++) starts.add(st);
  if (starts.size === 0) {
    const longest = windows.reduce((a, b) => (b.endMs - b.startMs > a.endMs - a.startMs ? b : a));
    const w = repairWindow(req.deviceId, { s: longest.s, e: longest.e }, L, false, h, warn);
    if (!w) return null;
    for (let st = w.s; st + L <= w.e; st++) starts.add(st);
  }
  const options = [...starts].sort((a, b) => a - b).map(option);
  const prevIdx = previous === undefined ? -1 : options.findIndex((o) => o.start === previous);
  return new ChoiceJob(
    { deviceId: req.deviceId, kind: "water-heater", elfeType: req.elfeType, optional: req.optional === true, decisions: "block", options, previous: prevIdx >= 0 ? prevIdx : undefined },
    n,
    h.dtH,
  );
}
