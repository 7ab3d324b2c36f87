// The territory's slot grid: slots start where the local wall clock reads a multiple of the
// slot length, so a 15-min grid is on :00/:15/:30/:45 in every zone, including +05:30 or
// +09:30 ones, and a DST day simply has fewer (92) or more (100) quarter-hours.
import { DateTime, IANAZone } from "luxon";
import { ZoneOffsets } from "./offsets";

/** Anything that names an instant: epoch ms, a Date, an ISO-8601 string with offset, a luxon DateTime. */
export type Instant = number | string | Date | DateTime;

export interface GridOptions {
  /** IANA time zone, e.g. "Europe/Paris". */
  zone: string;
  /** Slot length in minutes; must divide a day (15 by default in ELFE). */
  stepMinutes: number;
}

export function toMillis(t: Instant): number {
  if (typeof t === "number") return t;
  if (t instanceof Date) return t.getTime();
  if (DateTime.isDateTime(t)) return t.toMillis();
  const dt = DateTime.fromISO(t, { setZone: true });
  if (!dt.isValid) throw new RangeError(`not an ISO-8601 time: ${JSON.stringify(t)}`);
  // A time without offset would silently be read in the server's zone: refuse it.
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(t.trim())) throw new RangeError(`ISO-8601 time without offset (add Z or ±hh:mm): ${JSON.stringify(t)}`);
  return dt.toMillis();
}

export class SlotGrid {
  readonly zone: string;
  readonly stepMinutes: number;
  readonly stepMs: number;
  private readonly offsets: ZoneOffsets;

  constructor(options: GridOptions) {
    if (!IANAZone.isValidZone(options.zone)) throw new RangeError(`unknown time zone: ${JSON.stringify(options.zone)}`);
    const step = options.stepMinutes;
    if (!Number.isInteger(step) || step <= 0 || 1440 % step !== 0) {
      throw new RangeError(`slot length must be a whole number of minutes dividing a day, got ${step}`);
    }
    this.zone = options.zone;
    this.offsets = ZoneOffsets.of(options.zone);
    this.stepMinutes = step;
    this.stepMs = step * 60_000;
  }

  /** The instant as a DateTime in the territory's zone. */
  at(t: Instant): DateTime {
    return DateTime.fromMillis(toMillis(t), { zone: this.offsets.zone });
  }

  /** ISO-8601 with the zone's offset, no milliseconds (unless any): the form every message carries. */
  iso(t: Instant): string {
    // Built from the cached offset rather than a luxon DateTime: this runs for every slot of every series.
    const ms = toMillis(t);
    const offsetMs = this.offsets.offsetMs(ms);
    const local = new Date(ms + offsetMs).toISOString();
    const body = ms % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23);
    const abs = Math.abs(offsetMs) / 60_000;
    const sign = offsetMs < 0 ? "-" : "+";
    if (offsetMs === 0 && this.offsets.zone.isUniversal) return `${body}Z`; // as luxon writes a fixed UTC zone
    return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  }

  /** Start of the slot containing t (floored on the local wall clock at t's own offset). */
  slotStart(t: Instant): DateTime {
    return this.at(this.slotStartMs(toMillis(t)));
  }

  slotEnd(t: Instant): DateTime {
    return this.nextSlotStart(this.slotStart(t));
  }

  /** The first slot start strictly after t. */
  nextSlotStart(t: Instant): DateTime {
    return this.at(this.nextSlotStartMs(toMillis(t)));
  }

  /** slotStart in epoch ms, without building a DateTime. */
  slotStartMs(ms: number): number {
    const offsetMs = this.offsets.offsetMs(ms);
    return ms - ((((ms + offsetMs) % this.stepMs) + this.stepMs) % this.stepMs);
  }

  /** nextSlotStart in epoch ms. */
  nextSlotStartMs(ms: number): number {
    const start = this.slotStartMs(ms);
    const next = this.slotStartMs(start + this.stepMs);
    // An offset change that is not a multiple of the step could floor back: never go backwards.
    return next > ms ? next : start + this.stepMs;
  }

  /** Milliseconds from t to the next slot boundary (> 0). */
  msUntilNextSlot(t: Instant): number {
    const ms = toMillis(t);
    return this.nextSlotStartMs(ms) - ms;
  }

  /** `count` consecutive slot starts, the first being the slot that contains `from`. */
  starts(from: Instant, count: number): DateTime[] {
    return this.startsMs(from, count).map((ms) => this.at(ms));
  }

  /** starts() in epoch ms, for hot paths that need no DateTime. */
  startsMs(from: Instant, count: number): number[] {
    const out: number[] = [];
    let cur = this.slotStartMs(toMillis(from));
    for (let i = 0; i < count; i++) {
      out.push(cur);
      cur = this.nextSlotStartMs(cur);
    }
    return out;
  }

  /** Local midnight of t's day in the territory. */
  dayStart(t: Instant): DateTime {
    return this.at(t).startOf("day");
  }

  /** Number of slots in a local day ("2026-03-29" in Paris: 92 quarter-hours; "2026-10-25": 100). */
  slotsInDay(day: string | Instant): number {
    const start = typeof day === "string" && /^\d{4}-\d{2}-\d{2}$/.test(day) ? DateTime.fromISO(day, { zone: this.zone }) : this.dayStart(day);
    if (!start.isValid) throw new RangeError(`not a day: ${JSON.stringify(day)}`);
    const end = start.plus({ days: 1 }).startOf("day");
    return this.slotsBetween(start, end);
  }

  /** Index of t's slot in its local day (0-based; up to 99 on a fall-back day). */
  slotOfDay(t: Instant): number {
    return this.slotsBetween(this.dayStart(t), this.slotStart(t));
  }

  /** Whole slots from `origin` (a slot start) to the slot containing t; negative before origin. */
  indexFrom(origin: Instant, t: Instant): number {
    return this.slotsBetween(this.slotStart(origin), this.slotStart(t));
  }

  private slotsBetween(a: Instant, b: Instant): number {
    return Math.round((toMillis(b) - toMillis(a)) / this.stepMs);
  }
}
