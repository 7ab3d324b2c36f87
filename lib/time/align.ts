// Put two SlotSeries on the same slots so they can be combined value by value.
import type { SlotSeries } from "../types";
import { DateTime } from "luxon";
import { toMillis } from "./grid";

export type AlignMode = "intersection" | "union";

function slotOffset(origin: number, start: number, stepMs: number, name: string): number {
  const offset = (start - origin) / stepMs;
  if (!Number.isInteger(offset)) throw new RangeError(`series ${name} does not start on the same slot grid (offset of ${offset} slots)`);
  return offset;
}

/**
 * Returns both series re-cut to the same start and length. "intersection" keeps the slots both
 * cover; "union" keeps all slots and fills what a series does not cover with null (a gap).
 * Series must share their slot length and grid; the result's start takes the first series' offset.
 */
export function alignSeries(a: SlotSeries, b: SlotSeries, mode: AlignMode = "intersection"): [SlotSeries, SlotSeries] {
  if (a.stepMinutes !== b.stepMinutes) {
    throw new RangeError(`cannot align series of ${a.stepMinutes}-minute and ${b.stepMinutes}-minute slots`);
  }
  const stepMs = a.stepMinutes * 60_000;
  const a0 = toMillis(a.start);
  const bOff = slotOffset(a0, toMillis(b.start), stepMs, "b");
  const aEnd = a.values.length;
  const bEnd = bOff + b.values.length;
  const from = mode === "union" ? Math.min(0, bOff) : Math.max(0, bOff);
  const to = Math.max(from, mode === "union" ? Math.max(aEnd, bEnd) : Math.min(aEnd, bEnd));
  const cut = (s: SlotSeries, off: number): SlotSeries => {
    const values: (number | null)[] = [];
    for (let i = from; i < to; i++) values.push(s.values[i - off] ?? null);
    return { ...s, start: shiftIso(a.start, from * stepMs), values };
  };
  return [cut(a, 0), cut(b, bOff)];
}

/** Shift an ISO time by ms, keeping its offset notation. */
function shiftIso(iso: string, ms: number): string {
  return DateTime.fromISO(iso, { setZone: true }).plus({ milliseconds: ms }).toISO({ suppressMilliseconds: true }) as string;
}
