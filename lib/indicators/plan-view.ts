// A Plan turned into what a chart draws: slot times, the balance before and after placement,
// one Gantt row per device (its on-slots, or its start for one-shot kinds) and the warnings.
import type { Plan } from "../types";
import { SlotGrid } from "../time/grid";

export interface GanttSpan {
  /** Slot indexes [from, to) and what the span means. */
  from: number;
  to: number;
  kind: "on" | "start" | "power";
  /** W for a modulating charger, else undefined. */
  powerW?: number;
}

export interface PlanView {
  territory: string;
  /** IANA zone the labels (and the chart's axis) use. */
  zone: string;
  firstValidTimestamp: string;
  stepMinutes: number;
  /** Slot starts, epoch seconds (what uPlot takes), and their local labels "HH:mm". */
  times: number[];
  labels: string[];
  withoutFlexW: number[];
  withFlexW: number[];
  devices: { deviceId: string; name?: string; kind: string; energyWh: number; start?: string; spans: GanttSpan[] }[];
  warnings: Plan["warnings"];
  summary: { deviceCount: number; objectiveWh: number; solveMs: number; method: string };
}

function spansOf(decisions: number[], continuous: boolean): GanttSpan[] {
  const spans: GanttSpan[] = [];
  // Continuous kinds are on/off per slot, a modulating charger W per slot; both are runs of non-zero
  // values. One-shot kinds carry a single 1 at their start slot.
  for (let i = 0; i < decisions.length; i++) {
    const v = decisions[i];
    if (v === 0) continue;
    if (!continuous && v === 1) {
      spans.push({ from: i, to: i + 1, kind: "start" });
      continue;
    }
    const kind: GanttSpan["kind"] = v === 1 ? "on" : "power";
    const last = spans[spans.length - 1];
    if (last && last.to === i && last.kind === kind && (kind === "on" || last.powerW === v)) last.to = i + 1;
    else spans.push(kind === "on" ? { from: i, to: i + 1, kind } : { from: i, to: i + 1, kind, powerW: v });
  }
  return spans;
}

export function planView(plan: Plan, zone: string): PlanView {
  const grid = new SlotGrid({ zone, stepMinutes: plan.stepMinutes });
  const starts = grid.starts(plan.firstValidTimestamp, plan.slotCount);
  return {
    territory: plan.territory,
    zone,
    firstValidTimestamp: plan.firstValidTimestamp,
    stepMinutes: plan.stepMinutes,
    times: starts.map((d) => d.toSeconds()),
    labels: starts.map((d) => d.toFormat("HH:mm")),
    withoutFlexW: plan.curves.withoutFlexW,
    withFlexW: plan.curves.withFlexW,
    devices: plan.devices.map((d) => ({
      deviceId: d.deviceId,
      ...(d.name ? { name: d.name } : {}),
      kind: d.kind,
      energyWh: d.energyWh,
      start: d.start,
      spans: spansOf(d.decisions, d.continuous),
    })),
    warnings: plan.warnings,
    summary: { deviceCount: plan.runInfo.deviceCount, objectiveWh: plan.runInfo.objectiveWh, solveMs: plan.runInfo.solveMs, method: plan.runInfo.method },
  };
}
