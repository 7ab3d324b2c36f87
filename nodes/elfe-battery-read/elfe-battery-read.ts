// Polls the room laptops' battery services in parallel and outputs one BatteryReading per
// laptop. A laptop that does not answer is `online: false` with the reason: never an error that
// stops the others (the room loop then gives it a default priority).
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { parseLaptopTable, pollBatteries, type Laptop } from "../../lib/sources/battery";
import { asError } from "../node-helpers";

interface BatteryReadDef extends NodeDef {
  laptops: string;
  timeoutSeconds: string | number;
}

export default function register(RED: NodeAPI): void {
  function ElfeBatteryRead(this: Node, config: BatteryReadDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const timeoutMs = Math.max(0.2, Number(config.timeoutSeconds) || 3) * 1000;
    let laptops: Laptop[] = [];
    let tableError: Error | undefined;
    try {
      laptops = parseLaptopTable(config.laptops ?? "");
    } catch (err) {
      tableError = asError(err);
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-battery-read.status.badTable") });
    }

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        if (tableError) throw tableError;
        // Laptops from the message when the node lists none: [{deviceId, url}] or {deviceId: host}.
        let list = laptops;
        if (!list.length && msg.payload && typeof msg.payload === "object") {
          const p = msg.payload as Record<string, unknown>;
          list = parseLaptopTable(
            (Array.isArray(p) ? p.map((l: { deviceId?: unknown; url?: unknown }) => `${String(l.deviceId)} = ${String(l.url)}`) : Object.entries(p).map(([k, v]) => `${k} = ${String(v)}`)).join("\n"),
          );
        }
        if (!list.length) throw new RangeError(RED._("elfe-battery-read.errors.noLaptops"));
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-battery-read.status.polling", { count: list.length }) });
        const readings = await pollBatteries(list, { timeoutMs });
        const online = readings.filter((r) => r.online && !r.error).length;
        send({ ...msg, payload: readings });
        node.status({ fill: online === readings.length ? "green" : online ? "yellow" : "red", shape: "dot", text: RED._("elfe-battery-read.status.polled", { online, count: readings.length }) });
        done();
      } catch (err) {
        const e = asError(err);
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-battery-read.status.error", { error: e.message.slice(0, 50) }) });
        done(e);
      }
    });

    node.on("close", (done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-battery-read", ElfeBatteryRead);
}
