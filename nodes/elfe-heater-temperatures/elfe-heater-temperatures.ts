// Latest temperature of each controlled heater (ELFE's user_temp): readings come in one by one
// or in batches; every message gets the list of heaters with the age of their last reading.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { latestTemperatures } from "../../lib/learning";
import { validateReading, type Reading } from "../../lib/types";
import { asError } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface HeaterTemperaturesDef extends NodeDef {
  maxAgeMinutes: string | number;
}

export default function register(RED: NodeAPI): void {
  function ElfeHeaterTemperatures(this: Node, config: HeaterTemperaturesDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const maxAge = String(config.maxAgeMinutes ?? "").trim() === "" ? 30 : Number(config.maxAgeMinutes);
    const KEY = "latestReadings";

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      try {
        const incoming = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
        const readings = incoming.map((r, i) => {
          const checked = validateReading.check(r);
          if (!checked.ok) throw new Error(`reading [${i}]: ${checked.error.message}`);
          return checked.value;
        });
        const known = (node.context().get(KEY) as Reading[] | undefined) ?? [];
        const now = clock.now();
        const latest = latestTemperatures([...known, ...readings], now, maxAge);
        // Keep one reading per heater: the one the list shows.
        node.context().set(
          KEY,
          latest.map((t) => ({ deviceId: t.deviceId, ts: t.ts, temperatureC: t.temperatureC })),
        );
        const stale = latest.filter((t) => t.stale).length;
        node.status({
          fill: stale > 0 ? "yellow" : "green",
          shape: "dot",
          text: RED._("elfe-heater-temperatures.status.done", { count: latest.length, stale }),
        });
        send(Object.assign(msg, { payload: latest }));
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-heater-temperatures.status.error") });
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-heater-temperatures", ElfeHeaterTemperatures);
}
