// Turns DeviceCommands (on/off) into the device's Jeedom action command and, when the device
// has a state command, confirms by reading the state back.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { commandDevice, parseDeviceTable, type JeedomDevice } from "../../lib/sources/jeedom";
import { validateDeviceCommand } from "../../lib/types";
import { asError } from "../node-helpers";
import type { JeedomServerNode } from "../elfe-jeedom-server/elfe-jeedom-server";

interface JeedomCommandDef extends NodeDef {
  server: string;
  devices: string;
  confirm: boolean;
  confirmSeconds: string | number;
}

/** A DeviceCommand, or "on"/"off" with msg.topic naming the device. */
function commandOf(msg: NodeMessageInFlow): { deviceId: string; action: "on" | "off" } {
  const p = msg.payload;
  if ((p === "on" || p === "off") && typeof msg.topic === "string" && msg.topic) return { deviceId: msg.topic, action: p };
  const cmd = validateDeviceCommand.parse(p);
  if (cmd.action !== "on" && cmd.action !== "off") throw new RangeError(`Jeedom plugs take on or off, not "${cmd.action}"`);
  return { deviceId: cmd.deviceId, action: cmd.action };
}

export default function register(RED: NodeAPI): void {
  function ElfeJeedomCommand(this: Node, config: JeedomCommandDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as JeedomServerNode | null;
    const confirmMs = config.confirm === false ? 0 : Math.max(0.5, Number(config.confirmSeconds) || 5) * 1000;
    let devices: JeedomDevice[] = [];
    let tableError: Error | undefined;
    try {
      devices = parseDeviceTable(config.devices ?? "");
      if (!devices.length) throw new RangeError(RED._("elfe-jeedom-command.errors.noDevices"));
    } catch (err) {
      tableError = asError(err);
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-jeedom-command.status.badTable") });
    }
    let closing = false;

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      const fail = (err: Error) => {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-jeedom-command.status.error", { error: err.message.slice(0, 50) }) });
        done(err);
      };
      if (tableError) return fail(tableError);
      if (!server?.client) return fail(new Error(server?.configError ?? RED._("elfe-jeedom-command.errors.noServer")));
      try {
        const cmd = commandOf(msg);
        const device = devices.find((d) => d.deviceId === cmd.deviceId);
        if (!device) throw new RangeError(RED._("elfe-jeedom-command.errors.unknownDevice", { device: cmd.deviceId }));
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-jeedom-command.status.sending", { device: cmd.deviceId, action: cmd.action }) });
        const result = await commandDevice(server.client, device, cmd, { confirmTimeoutMs: confirmMs, confirmIntervalMs: Math.min(1000, Math.max(100, confirmMs / 5)) });
        if (closing) return done();
        send({ ...msg, payload: result });
        if (result.confirmed === false) {
          node.status({ fill: "yellow", shape: "ring", text: RED._("elfe-jeedom-command.status.unconfirmed", { device: cmd.deviceId, action: cmd.action }) });
          return done(new Error(RED._("elfe-jeedom-command.errors.unconfirmed", { device: cmd.deviceId, action: cmd.action, seconds: confirmMs / 1000 })));
        }
        node.status({ fill: "green", shape: "dot", text: RED._(result.confirmed ? "elfe-jeedom-command.status.confirmed" : "elfe-jeedom-command.status.sent", { device: cmd.deviceId, action: cmd.action }) });
        done();
      } catch (err) {
        fail(asError(err));
      }
    });

    node.on("close", (done: () => void) => {
      closing = true;
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-jeedom-command", ElfeJeedomCommand);
}
