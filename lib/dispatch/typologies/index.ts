// The installation typologies by ELFE id. 110 (two relays), 170 (plug that re-powers + finger)
// and 200 (TIC) have no sequence: a device bound to them is reported, never guessed at.
import type { DeviceBinding } from "../../types";
import { doublePress } from "./double-press";
import { invertedPlug } from "./inverted-plug";
import { plug } from "./plug";
import { plugTwoFingers } from "./plug-two-fingers";
import { relayMeter } from "./relay-meter";
import { relaySensor } from "./relay-sensor";
import { fingerSwitch } from "./switch";
import type { Typology } from "./typology";

export * from "./typology";
export { doublePress, fingerSwitch, invertedPlug, plug, plugTwoFingers, relayMeter, relaySensor };

export const TYPOLOGIES: ReadonlyMap<number, Typology> = new Map(
  [plug, fingerSwitch, relaySensor, plugTwoFingers, doublePress, relayMeter, invertedPlug].map((t) => [t.id, t]),
);

/** The binding's typology; without one, a SwitchBot finger presses (130) and anything else switches (120). */
export function typologyOf(binding: Pick<DeviceBinding, "typology" | "family">): Typology | Error {
  const id = binding.typology ?? (binding.family === "switchbot" ? fingerSwitch.id : plug.id);
  return TYPOLOGIES.get(id) ?? new Error(`installation typology ${id} has no order sequence (known: ${[...TYPOLOGIES.keys()].join(", ")})`);
}
