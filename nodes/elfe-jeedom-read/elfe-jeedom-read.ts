// Reads the room's Z-Wave plugs through Jeedom (power, energy, state by command id) and outputs
// one Reading per device. A device that cannot be read is `online: false`, never a stop.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { parseDeviceTable, readDevices, type JeedomDevice } from "../../lib/sources/jeedom";
import { asError } from "../node-helpers";
import type { JeedomServerNode } from "../elfe-jeedom-server/elfe-jeedom-server";

interface JeedomReadDef extends NodeDef {
  server: string;
  devices: string;
  energyUnit: string;
}

export default function register(RED: NodeAPI): void {
  function ElfeJeedomRead(this: Node, config: JeedomReadDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as JeedomServerNode | null;
    let devices: JeedomDevice[] = [];
    let tableError: Error | undefined;
    try {
      devices = parseDeviceTable(config.devices ?? "");
      if (!devices.length) throw new RangeError(RED._("elfe-jeedom-read.errors.noDevices"));
    } catch (err) {
      tableError = asError(err);
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-jeedom-read.status.badTable") });
    }

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      const fail = (err: Error) => {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-jeedom-read.status.error", { error: err.message.slice(0, 50) }) });
        done(err);
      };
      if (tableError) return fail(tableError);
      if (!server?.client) return fail(new Error(server?.configError ?? RED._("elfe-jeedom-read.errors.noServer")));
      try {
        const results = await readDevices(server.client, devices, { energyFactor: config.energyUnit === "Wh" ? 1 : 1000 });
        const errors = results.filter((r) => r.error).map((r) => ({ deviceId: r.reading.deviceId, error: r.error as string }));
        const ok = results.length - errors.length;
        if (ok === 0) return fail(new Error(RED._("elfe-jeedom-read.errors.allFailed", { detail: errors.map((e) => e.error).join("; ") })));
        send({ ...msg, payload: results.map((r) => r.reading), errors });
        if (errors.length) {
          node.warn(RED._("elfe-jeedom-read.errors.someFailed", { detail: errors.map((e) => `${e.deviceId}: ${e.error}`).join("; ") }));
          node.status({ fill: "yellow", shape: "dot", text: RED._("elfe-jeedom-read.status.partial", { ok, failed: errors.length }) });
        } else {
          const powerW = results.reduce((s, r) => s + (r.reading.powerW ?? 0), 0);
          node.status({ fill: "green", shape: "dot", text: RED._("elfe-jeedom-read.status.read", { ok, power: Math.round(powerW) }) });
        }
        done();
      } catch (err) {
        fail(asError(err));
      }
    });

    node.on("close", (done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-jeedom-read", ElfeJeedomRead);
}
