// Look-ups "the same local clock time k days earlier" in the territory's zone, and O(1) reads of
// a SlotSeries by instant. Used by the forecast on every slot, so kept free of per-call parsing.
import type { SlotSeries } from "../types";
import { toMillis, type SlotGrid } from "../time";
import { ZoneOffsets } from "../time/offsets";

export const DAY_MS = 86_400_000;

export class LocalClock {
  private readonly offsets: ZoneOffsets;

  private static readonly shared = new Map<string, LocalClock>();

  /** One clock per zone. */
  static of(zone: string): LocalClock {
    let clock = LocalClock.shared.get(zone);
    if (!clock) {
      clock = new LocalClock(zone);
      LocalClock.shared.set(zone, clock);
    }
    return clock;
  }

  constructor(zone: string) {
    this.offsets = ZoneOffsets.of(zone);
  }

  /** Offset of the zone at `ms`, in ms. */
  offsetMs(ms: number): number {
    return this.offsets.offsetMs(ms);
  }

  /** Wall-clock ms (local time read as if it were UTC). */
  wall(ms: number): number {
    return ms + this.offsetMs(ms);
  }

  /**
   * The instant whose local clock reads the same as at `ms`, `days` days earlier; null when that
   * local time does not exist (the skipped hour of a spring-forward day). An ambiguous local time
   * (the repeated hour of a fall-back day) resolves to the occurrence with `ms`'s own offset if it
   * has one, else the first.
   */
  daysBefore(ms: number, days: number): number | null {
    const off = this.offsetMs(ms);
    const wall = ms + off - days * DAY_MS;
    let utc = wall - off;
    const off1 = this.offsetMs(utc);
    if (off1 !== off) {
      utc = wall - off1;
      const off2 = this.offsetMs(utc);
      if (off2 !== off1) {
        utc = wall - off2;
      }
    }
    return utc + this.offsetMs(utc) === wall ? utc : null;
  }

  /** `count` slot starts of `grid` from `fromMs` (a slot start): the grid's own, in epoch ms. */
  slotStarts(grid: SlotGrid, fromMs: number, count: number): number[] {
    return grid.startsMs(fromMs, count);
  }

  /** ISO date (yyyy-mm-dd) of the local day containing `ms`. */
  localDate(ms: number): string {
    return new Date(this.wall(ms)).toISOString().slice(0, 10);
  }

  /** Start of the local clock hour containing `ms` (as an instant). */
  hourStart(ms: number): number {
    const intoHour = ((this.wall(ms) % 3_600_000) + 3_600_000) % 3_600_000;
    return ms - intoHour;
  }
}

/** A SlotSeries read by instant: the value of the slot containing `ms`, null outside or in a gap. */
export class SeriesIndex {
  readonly startMs: number;
  readonly stepMs: number;
  readonly endMs: number;

  constructor(
    readonly series: SlotSeries,
    /** Instants at or after this are treated as unknown (the forecast's "now"). */
    limitMs = Number.POSITIVE_INFINITY,
  ) {
    this.startMs = toMillis(series.start);
    this.stepMs = series.stepMinutes * 60_000;
    this.endMs = Math.min(limitMs, this.startMs + series.values.length * this.stepMs);
  }

  valueAt(ms: number): number | null {
    if (ms < this.startMs || ms >= this.endMs) return null;
    const v = this.series.values[Math.floor((ms - this.startMs) / this.stepMs)];
    return v === undefined || v === null || !Number.isFinite(v) ? null : v;
  }
}
