// 140: a relay switches the appliance and a sensor watches it; the relay's reported state
// confirms (the same usage for runs and initialisation, unlike ELFE).
import { step, type Typology } from "./typology";

export const relaySensor: Typology = {
  id: 140,
  name: "relay + sensor",
  idempotent: true,
  start: () => [step("on")],
  set: (on) => [step(on ? "on" : "off")],
  confirm: { expectOn: true, power: true },
};
