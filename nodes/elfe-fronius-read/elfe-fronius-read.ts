// Reads a Fronius inverter (Solar API v1): the site's power flow or one/all inverters' real-time
// data, as a Reading of the PV production with the details alongside.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { DateTime } from "luxon";
import { inverterReading, powerFlowReading, readInverter, readPowerFlow } from "../../lib/sources/fronius";
import { validateReading } from "../../lib/types";
import { errorStatus, timeoutMs } from "../node-helpers";

interface FroniusDef extends NodeDef {
  url: string;
  endpoint: string;
  inverterId: string | number;
  deviceId: string;
  timeout: string | number;
}

export default function register(RED: NodeAPI): void {
  function ElfeFroniusRead(this: Node, config: FroniusDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const options = { baseUrl: config.url, timeoutMs: timeoutMs(config.timeout, 5) };
    const deviceId = config.deviceId || "fronius";

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-fronius-read.status.reading") });
        const out = msg as NodeMessageInFlow & { fronius?: unknown };
        if (config.endpoint === "inverter" || config.endpoint === "system") {
          const data = await readInverter(options, config.endpoint === "system" ? { system: true } : { deviceId: Number(config.inverterId) || 1 });
          out.fronius = data;
          out.payload = validateReading.parse(inverterReading(data, deviceId));
        } else {
          const flow = await readPowerFlow(options);
          out.fronius = flow;
          out.payload = validateReading.parse(powerFlowReading(flow, deviceId));
        }
        const r = out.payload as { powerW?: number };
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-fronius-read.status.read", { power: Math.round(r.powerW ?? 0), time: DateTime.now().toFormat("HH:mm:ss") }) });
        send(out);
        done();
      } catch (err) {
        node.status(errorStatus(err));
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-fronius-read", ElfeFroniusRead);
}
