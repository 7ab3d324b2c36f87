// Translates orders and states of the 8 outputs of a Socorel controller, each one an ELFE device, over MQTT. The runtime is shared by every family: see registerTranslatorNode.
import type { NodeAPI } from "node-red";
import { socorel } from "../../lib/devices/socorel";
import { registerTranslatorNode } from "../translator-node";

export default function register(RED: NodeAPI): void {
  registerTranslatorNode(RED, "elfe-socorel", socorel);
}
