// A hot-water tank's energy drawn over the last 24 h (ELFE's ECS_acquisition): its need for the
// next placement, from its energy counter or, without one, its power readings.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { ecsEnergy, ecsInput } from "../../lib/learning";
import { asError } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface EcsEnergyDef extends NodeDef {
  deviceId: string;
  hours: string | number;
  counterUnit: string;
}

type EcsMsg = NodeMessageInFlow & { deviceId?: unknown; end?: unknown };

export default function register(RED: NodeAPI): void {
  function ElfeEcsEnergy(this: Node, config: EcsEnergyDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hours = String(config.hours ?? "").trim() === "" ? 24 : Number(config.hours);
    const unit = config.counterUnit === "kWh" ? "kWh" : "Wh";

    node.on("input", (msg: EcsMsg, send, done) => {
      try {
        const deviceId = config.deviceId || (typeof msg.deviceId === "string" ? msg.deviceId : "") || (typeof msg.topic === "string" ? msg.topic : "");
        const end = typeof msg.end === "string" && msg.end.trim() !== "" ? msg.end : clock.now();
        const result = ecsEnergy(ecsInput(msg.payload, unit), end, hours);
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-ecs-energy.status.done", { kwh: (result.energyWh / 1000).toFixed(2), method: result.method }) });
        send(Object.assign(msg, { payload: { deviceId: deviceId || undefined, ...result } }));
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-ecs-energy.status.error") });
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-ecs-energy", ElfeEcsEnergy);
}
