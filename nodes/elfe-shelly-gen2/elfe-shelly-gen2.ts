// Translates orders and telemetry of Shelly Plus/Pro plugs and relays (gen2, ELFE type 411): JSON-RPC over MQTT. The runtime is shared by every family: see registerTranslatorNode.
import type { NodeAPI } from "node-red";
import { shellyGen2 } from "../../lib/devices/shelly-gen2";
import { registerTranslatorNode } from "../translator-node";

export default function register(RED: NodeAPI): void {
  registerTranslatorNode(RED, "elfe-shelly-gen2", shellyGen2);
}
