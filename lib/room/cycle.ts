// A whole room cycle for callers that can measure at once (simulations, benches): reconnect, let
// the caller apply the commands and measure again, then shed.
import type { DeviceCommand } from "../types";
import type { RoomConfig } from "./config";
import type { RoomInputs } from "./inputs";
import { reconnectStep } from "./reconnect";
import type { RoomReport } from "./report";
import { shedStep } from "./shed";
import type { RoomState } from "./state";

export interface RoomCycle {
  commands: DeviceCommand[];
  state: RoomState;
  reconnect: RoomReport;
  shed: RoomReport;
}

/** `measure` applies the reconnect commands and returns the inputs after the settle delay. */
export function roomCycle(inputs: RoomInputs, state: RoomState, config: RoomConfig, measure: (commands: DeviceCommand[]) => RoomInputs): RoomCycle {
  const first = reconnectStep(inputs, state, config);
  const settled = measure(first.commands);
  const second = shedStep(settled, first.state, config);
  return { commands: [...first.commands, ...second.commands], state: second.state, reconnect: first.report, shed: second.report };
}
