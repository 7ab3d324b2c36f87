// Turns the text of a DSMR P1 port (from Node-RED's serial or TCP nodes, in chunks of any
// size, or whole telegrams) into Readings: one message per complete telegram whose CRC holds.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { DateTime } from "luxon";
import { P1Splitter, parseTelegram, telegramReading } from "../../lib/sources/p1";
import { validateReading } from "../../lib/types";
import { errorStatus } from "../node-helpers";

interface P1Def extends NodeDef {
  deviceId: string;
  zone: string;
  requireCrc: boolean;
}

export default function register(RED: NodeAPI): void {
  function ElfeP1Read(this: Node, config: P1Def) {
    RED.nodes.createNode(this, config);
    const node = this;
    const splitter = new P1Splitter();
    const deviceId = config.deviceId || "p1-meter";

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      const p = msg.payload;
      if (typeof p !== "string" && !Buffer.isBuffer(p)) {
        done(new Error(RED._("elfe-p1-read.errors.notText")));
        return;
      }
      const failures: Error[] = [];
      for (const item of splitter.push(p)) {
        if ("error" in item) {
          failures.push(item.error);
          continue;
        }
        try {
          const t = parseTelegram(item.telegram, { zone: config.zone || "Europe/Amsterdam", requireCrc: !!config.requireCrc });
          const reading = validateReading.parse(telegramReading(t, deviceId));
          node.status({ fill: "green", shape: "dot", text: RED._("elfe-p1-read.status.read", { power: Math.round(reading.powerW ?? 0), time: DateTime.now().toFormat("HH:mm:ss") }) });
          send({ ...msg, topic: (msg.topic as string | undefined) || deviceId, payload: reading, p1: t } as NodeMessageInFlow);
        } catch (err) {
          failures.push(err as Error);
        }
      }
      if (failures.length === 0) {
        done();
        return;
      }
      node.status(errorStatus(failures[failures.length - 1]));
      for (const e of failures.slice(0, -1)) node.error(e, msg);
      done(failures[failures.length - 1]);
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      splitter.reset();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-p1-read", ElfeP1Read);
}
