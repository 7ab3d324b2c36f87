// 120: the appliance is plugged into a switching plug (or wired behind a relay): on is on.
import { step, type Typology } from "./typology";

export const plug: Typology = {
  id: 120,
  name: "plug",
  idempotent: true,
  start: () => [step("on")],
  set: (on) => [step(on ? "on" : "off")],
  confirm: { expectOn: true, power: true },
};
