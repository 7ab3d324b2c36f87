// Translates orders and telemetry of SwitchBot Bot fingers behind an ESP32 BLE bridge (ELFE type 311). The runtime is shared by every family: see registerTranslatorNode.
import type { NodeAPI } from "node-red";
import { switchBot } from "../../lib/devices/switchbot";
import { registerTranslatorNode } from "../translator-node";

export default function register(RED: NodeAPI): void {
  registerTranslatorNode(RED, "elfe-switchbot", switchBot);
}
