// Latest temperature of each controlled heater (ELFE's user_temp), with its age: a reading
// older than the limit is marked stale so the placement does not trust it.
import type { Reading } from "../types";
import { toMillis, type Instant } from "../time";

export interface HeaterTemperature {
  deviceId: string;
  temperatureC: number;
  ts: string;
  ageMinutes: number;
  stale: boolean;
}

export function latestTemperatures(readings: readonly Reading[], now: Instant, maxAgeMinutes: number): HeaterTemperature[] {
  if (!Number.isFinite(maxAgeMinutes) || maxAgeMinutes <= 0) throw new RangeError(`maxAgeMinutes must be > 0, got ${maxAgeMinutes}`);
  const nowMs = toMillis(now);
  const latest = new Map<string, { ms: number; r: Reading }>();
  for (const r of readings) {
    if (r.temperatureC === undefined || !Number.isFinite(r.temperatureC)) continue;
    const ms = toMillis(r.ts);
    if (ms > nowMs) continue; // a reading from the future is a clock error, not the latest
    const seen = latest.get(r.deviceId);
    if (!seen || ms > seen.ms) latest.set(r.deviceId, { ms, r });
  }
  return [...latest.values()]
    .map(({ ms, r }) => {
      const ageMinutes = Math.round(((nowMs - ms) / 60_000) * 10) / 10;
      return { deviceId: r.deviceId, temperatureC: r.temperatureC as number, ts: r.ts, ageMinutes, stale: ageMinutes > maxAgeMinutes };
    })
    .sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
}
