// The room manager's small explicit state: what it did to each plug and what it learnt, carried
// from one cycle to the next (the node keeps it in memory; a simulation threads it through).

export interface LaptopMemory {
  /** What the manager last commanded (undefined: never switched by it). */
  on?: boolean;
  /** When it last switched this plug (epoch ms). */
  switchedAt?: number;
  /** Last power measured while drawing, used to estimate a reconnection. */
  lastOnPowerW?: number;
  /** Switched off by the manager for lack of PV: still in use, to reconnect when the surplus allows. */
  shed?: boolean;
  /** Switched off as full: reconnected only below the resume threshold. */
  full?: boolean;
}

export interface RoomState {
  laptops: Record<string, LaptopMemory>;
  /** Plugs switched on by the reconnect phase of the cycle in progress, and when (epoch ms). */
  reconnectedAt?: number;
  reconnected?: string[];
}

export function emptyRoomState(): RoomState {
  return { laptops: {} };
}

export function remember(state: RoomState, id: string, patch: LaptopMemory): RoomState {
  return { ...state, laptops: { ...state.laptops, [id]: { ...state.laptops[id], ...patch } } };
}
