// A device whose decisions are already known (running, nothing left to do): no column, only its
// fixed load and the decisions the plan repeats.
import type { FlexKind } from "../types";
import { GROUP_ORDER, type Decoded, type Job } from "./context";

export class FixedJob implements Job {
  readonly group: number;
  readonly optional = false;
  readonly energyHint = 0;
  colStart = 0;
  colEnd = 0;
  constructor(
    readonly deviceId: string,
    readonly kind: FlexKind,
    readonly elfeType: number | undefined,
    readonly continuous: boolean,
    private readonly decisions: number[],
    readonly fixedW: Float64Array | undefined,
    private readonly startSlot?: number,
  ) {
    this.group = GROUP_ORDER[kind];
  }
  build(): void {}
  round(): Float64Array {
    return new Float64Array(0);
  }
  integral(): boolean {
    return true;
  }
  decode(): Decoded {
    return { decisions: this.decisions.slice(), powerW: new Float64Array(this.decisions.length), start: this.startSlot };
  }
  greedy(): Float64Array {
    return new Float64Array(0);
  }
  check(): string | null {
    return null;
  }
}

/** The rest of a curve started `elapsed` slots before the horizon, as a fixed load of n slots. */
export function remainder(powers: ArrayLike<number>, len: number, startSlot: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < len; i++) {
    const t = startSlot + i;
    if (t >= 0 && t < n) out[t] = powers[i];
  }
  return out;
}
