// 190: a plug wired the other way round: opening the relay runs the appliance (a contact that
// blocks the appliance while closed), so every order is swapped at the device.
import { step, type Typology } from "./typology";

export const invertedPlug: Typology = {
  id: 190,
  name: "inverted plug",
  idempotent: true,
  start: () => [step("off")],
  set: (on) => [step(on ? "off" : "on")],
  confirm: { expectOn: false, power: true },
};
