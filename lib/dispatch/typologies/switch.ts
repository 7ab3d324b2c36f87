// 130: a measuring plug feeds the appliance and a SwitchBot finger presses its start button.
// A press toggles, so there is no "off" and an order is never repeated blindly; the plug's
// power confirms the start.
import { step, type Typology } from "./typology";

export const fingerSwitch: Typology = {
  id: 130,
  name: "switch (plug + finger)",
  idempotent: false,
  start: () => [step("press")],
  set: (on) => (on ? [step("press")] : []),
  confirm: { power: true },
};
