// 160: the appliance needs two presses of its start button (wake, then start), 5 s apart.
import { PRESS_GAP_MS, step, type Typology } from "./typology";

const sequence = () => [step("press"), step("press", PRESS_GAP_MS)];

export const doublePress: Typology = {
  id: 160,
  name: "double press",
  idempotent: false,
  start: sequence,
  set: (on) => (on ? sequence() : []),
  confirm: { power: true },
};
