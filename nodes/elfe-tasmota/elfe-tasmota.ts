// Translates orders and telemetry of Tasmota and Nous A1T plugs (ELFE types 112 and 211) over MQTT. The runtime is shared by every family: see registerTranslatorNode.
import type { NodeAPI } from "node-red";
import { tasmota } from "../../lib/devices/tasmota";
import { registerTranslatorNode } from "../translator-node";

export default function register(RED: NodeAPI): void {
  registerTranslatorNode(RED, "elfe-tasmota", tasmota);
}
