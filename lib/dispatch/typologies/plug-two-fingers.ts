// 150: a measuring plug and two SwitchBot fingers: the power-button finger (ELFE usage 31)
// presses first, then 5 s later the start-button finger (usage 32, the binding's own plug).
import { PRESS_GAP_MS, step, type Typology } from "./typology";

const sequence = () => [step("press", 0, "powerFinger"), step("press", PRESS_GAP_MS)];

export const plugTwoFingers: Typology = {
  id: 150,
  name: "plug + two fingers",
  idempotent: false,
  start: sequence,
  set: (on) => (on ? sequence() : []),
  confirm: { power: true },
};
