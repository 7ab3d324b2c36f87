// Reads the devices to plan now from the coordination database (ELFE's rules) and sends them as
// FlexRequest[]; rows that cannot be planned come out as warnings naming the device. A second
// output gives the piloted devices with their plugs (topic "devices"), for elfe-dispatch.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { readDevices } from "../../lib/coordination/devices";
import { readFlexRequests } from "../../lib/coordination/requests";
import { asError, databaseOf, territoryOf } from "../node-helpers";

interface FlexRequestsDef extends NodeDef {
  database: string;
  territory: string;
}

export default function register(RED: NodeAPI): void {
  function ElfeFlexRequests(this: Node, config: FlexRequestsDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const database = databaseOf(RED, config.database);
    const territory = territoryOf(RED, config.territory);
    const missing = database instanceof Error ? database : territory instanceof Error ? territory : undefined;
    if (missing) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-flex-requests.status.noConfig") });
      node.error(missing);
    }

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      if (database instanceof Error || territory instanceof Error) {
        done(missing);
        return;
      }
      try {
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-flex-requests.status.reading") });
        const { db } = await database.coordination();
        const reading = await readFlexRequests(db, { zone: territory.zone, stepMinutes: territory.stepMinutes, horizonSlots: territory.horizonSlots });
        node.status({
          fill: reading.warnings.length > 0 ? "yellow" : "green",
          shape: "dot",
          text: RED._("elfe-flex-requests.status.read", { requests: reading.requests.length, warnings: reading.warnings.length }),
        });
        const registry = await readDevices(db);
        send([
          { ...msg, payload: reading.requests, requests: reading.requests, warnings: reading.warnings, begin: reading.begin },
          { topic: "devices", payload: registry.devices.map((d) => d.binding), warnings: registry.warnings },
        ]);
        done();
      } catch (err) {
        const e = asError(err);
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-flex-requests.status.error") });
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-flex-requests", ElfeFlexRequests);
}
