// Fail-safe: what a continuous appliance (hot-water tank, heaters) does when no fresh plan
// covers the current slot. ELFE leaves relays as they were; we put them in a configured state
// ("off", "on" or "leave") and say so.
import type { DispatchBinding, FailSafeState, PlannedDevice } from "../types";

/** ELFE's continuous device types (`equipement_continu`): hot-water tank 131, heaters 151 and 155. */
export const CONTINUOUS_TYPES: readonly number[] = [131, 151, 155];

/** Whether a device follows on/off per slot: the plan says so when it holds the device, else its ELFE type. */
export function isContinuous(binding: Pick<DispatchBinding, "elfeType">, planned?: Pick<PlannedDevice, "continuous">): boolean {
  return planned ? planned.continuous : CONTINUOUS_TYPES.includes(binding.elfeType);
}

/** The state a continuous device takes without a plan: its own setting, else the dispatch's. */
export function failSafeState(binding: Pick<DispatchBinding, "failSafe">, fallback: FailSafeState): FailSafeState {
  return binding.failSafe ?? fallback;
}
