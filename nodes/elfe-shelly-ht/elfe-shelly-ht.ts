// Reads Shelly H&T sensors (ELFE type 611): temperature, humidity, battery, over MQTT (gen1 and gen2). The runtime is shared by every family: see registerTranslatorNode.
import type { NodeAPI } from "node-red";
import { shellyHt } from "../../lib/devices/shelly-ht";
import { registerTranslatorNode } from "../translator-node";

export default function register(RED: NodeAPI): void {
  registerTranslatorNode(RED, "elfe-shelly-ht", shellyHt);
}
