// 180: a relay switches the appliance and a meter measures it: the start is confirmed only when
// the meter shows the appliance drawing power (the relay closing proves nothing about the cycle).
import { step, type Typology } from "./typology";

export const relayMeter: Typology = {
  id: 180,
  name: "relay + meter",
  idempotent: true,
  start: () => [step("on")],
  set: (on) => [step(on ? "on" : "off")],
  confirm: { power: true },
};
