// Minimum on and off times: a plug the manager switched stays so long enough, so a PV hovering
// near the load does not toggle it every period.
import type { RoomConfig } from "./config";
import type { LaptopMemory } from "./state";

/** Milliseconds left before the manager may switch this plug off (0: free). */
export function onTimeLeft(memory: LaptopMemory | undefined, now: number, config: RoomConfig): number {
  if (memory?.on !== true || memory.switchedAt === undefined) return 0;
  return Math.max(0, memory.switchedAt + config.minOnMs - now);
}

/** Milliseconds left before the manager may switch this plug back on (0: free). */
export function offTimeLeft(memory: LaptopMemory | undefined, now: number, config: RoomConfig): number {
  if (memory?.on !== false || memory.switchedAt === undefined) return 0;
  return Math.max(0, memory.switchedAt + config.minOffMs - now);
}

export const minutes = (ms: number): string => `${Math.ceil(ms / 60_000)} min`;
