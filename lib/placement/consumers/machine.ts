// Generic machine (ELFE types 1, 111, 112, 113): a learned cycle profile (W per slot) started
// once, the whole cycle inside [earliestStart, latestEnd] (ELFE §2.1: end within [fin − d, fin]).
import type { MachineRequest } from "../../types";
import type { Horizon, Job, Warn } from "../context";
import { ChoiceJob, type ChoiceOption } from "../choice";
import { FixedJob, remainder } from "../fixed";
import { repairWindow } from "../repair";

export function prepareMachine(req: MachineRequest, h: Horizon, warn: Warn): Job | null {
  const profile = Float64Array.from(req.profileW);
  const L = profile.length;
  const n = h.n;
  if (req.running) {
    const since = h.slotOf(req.running.since);
    const fixed = remainder(profile, L, since, n);
    return new FixedJob(req.deviceId, "machine", req.elfeType, false, new Array<number>(n).fill(0), fixed, since >= 0 ? since : undefined);
  }
  const previous = req.previousStart === undefined ? undefined : h.slotOf(req.previousStart);
  const option = (st: number): ChoiceOption => ({ start: st, from: st, powers: profile, len: Math.min(L, n - st) });
  if (previous === 0) {
    // ELFE's rolling rule: the previous plan starts it now, so it keeps that start.
    return new ChoiceJob({ deviceId: req.deviceId, kind: "machine", elfeType: req.elfeType, optional: false, decisions: "pulse", options: [option(0)] }, n, h.dtH);
  }
  const S = h.slotCeil(req.earliestStart);
  const E = Math.floor((Date.parse(req.latestEnd) - h.begin) / h.stepMs);
  if (S >= n) {
    warn("WARN_IGNORED", req.deviceId, `${req.deviceId}: its window opens after the horizon (${req.earliestStart}): planned in a later run`);
    return null;
  }
  const w = repairWindow(req.deviceId, { s: Math.max(S, 0), e: E }, L, E <= 0, h, warn);
  if (!w) return null;
  const options: ChoiceOption[] = [];
  for (let st = w.s; st + L <= w.e; st++) options.push(option(st));
  const prevIdx = previous === undefined ? -1 : options.findIndex((o) => o.start === previous);
  return new ChoiceJob(
    { deviceId: req.deviceId, kind: "machine", elfeType: req.elfeType, optional: req.optional === true, decisions: "pulse", options, previous: prevIdx >= 0 ? prevIdx : undefined },
    n,
    h.dtH,
  );
}
