// A zone's UTC offset at an instant, cached per UTC quarter-hour (every zone changes its offset on
// a quarter-hour boundary): asking luxon's zone (Intl) costs tens of µs, and the slot grid and the
// forecast ask for every slot. One cache per zone name, shared by the whole process.
import { Info, type Zone } from "luxon";

export class ZoneOffsets {
  private static readonly shared = new Map<string, ZoneOffsets>();
  private readonly cache = new Map<number, number>();

  /** luxon's own zone object for the name ("UTC" is a fixed zone, "Europe/Paris" an IANA one). */
  readonly zone: Zone;

  private constructor(name: string) {
    this.zone = Info.normalizeZone(name);
  }

  static of(name: string): ZoneOffsets {
    let offsets = ZoneOffsets.shared.get(name);
    if (!offsets) {
      offsets = new ZoneOffsets(name);
      ZoneOffsets.shared.set(name, offsets);
    }
    return offsets;
  }

  /** Offset of the zone at `ms`, in ms. */
  offsetMs(ms: number): number {
    const bucket = Math.floor(ms / 900_000);
    let offset = this.cache.get(bucket);
    if (offset === undefined) {
      if (this.cache.size > 200_000) this.cache.clear();
      offset = this.zone.offset(bucket * 900_000) * 60_000;
      this.cache.set(bucket, offset);
    }
    return offset;
  }
}
