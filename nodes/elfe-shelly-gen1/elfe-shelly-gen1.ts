// Translates orders and telemetry of Shelly gen1 plugs (Plug S, ELFE type 111) over MQTT. The runtime is shared by every family: see registerTranslatorNode.
import type { NodeAPI } from "node-red";
import { shellyGen1 } from "../../lib/devices/shelly-gen1";
import { registerTranslatorNode } from "../translator-node";

export default function register(RED: NodeAPI): void {
  registerTranslatorNode(RED, "elfe-shelly-gen1", shellyGen1);
}
