// A simulated territory for trying the package with no hardware: at each tick it sends the
// territory's balance history (what the forecast learns from), writes the demo households and
// their requests into the coordination database (when one is configured), and makes room
// 4A020's laptops live on their plugs (readings out, the room manager's plug orders in).
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { seedHouseholds } from "../../lib/sim/households";
import { SimRoom } from "../../lib/sim/room-live";
import { SimTerritory } from "../../lib/sim/territory";
import { validateDeviceCommand } from "../../lib/types";
import { asError, databaseOf, errorStatus, safeTimeout, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface SimTerritoryDef extends NodeDef {
  territory: string;
  database: string;
  seed: string | number;
  pvPeakW: string | number;
  households: string | number;
  historyDays: string | number;
  laptops: string | number;
  roomPvPeakW: string | number;
  roomEverySeconds: string | number;
}

function positive(raw: unknown, fallback: number): number {
  const n = Number(raw);
  return raw !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export default function register(RED: NodeAPI): void {
  function ElfeSimTerritory(this: Node, config: SimTerritoryDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const territory = territoryOf(RED, config.territory);
    if (territory instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-sim-territory.status.noTerritory") });
      node.error(territory);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(territory));
      return;
    }
    const database = config.database ? databaseOf(RED, config.database) : undefined;
    const seed = Math.floor(positive(config.seed, 1));
    const pvPeakW = positive(config.pvPeakW, 60_000);
    const sim = new SimTerritory({ zone: territory.zone, stepMinutes: territory.stepMinutes, seed, pvPeakW, households: Math.floor(positive(config.households, 40)) });
    const room = new SimRoom({ zone: territory.zone, seed, laptops: Math.floor(positive(config.laptops, 6)) });
    const roomShare = positive(config.roomPvPeakW, 400) / Math.max(1, pvPeakW);
    const historyDays = Math.max(1, Math.min(28, Math.floor(positive(config.historyDays, 7))));
    const roomEveryMs = positive(config.roomEverySeconds, 60) * 1000;
    let roomTimer: NodeJS.Timeout | undefined;

    /** What the room's plugs, battery services and PV say now, then a cycle request. */
    const roomMessages = (now: number): NodeMessage[] => {
      room.advance(now);
      const readings = room.readings(now);
      return [
        { topic: "pv", payload: Math.round(sim.pvW(now) * roomShare) },
        { topic: "plug", payload: readings.plugs },
        { topic: "battery", payload: readings.batteries },
        { topic: "cycle", payload: now },
      ];
    };
    // The room lives on its own period (on the nodes' clock), more often than the slots.
    const tickRoom = () => {
      node.send([null, roomMessages(clock.now()) as unknown as NodeMessage]);
      roomTimer = safeTimeout(node, roomEveryMs, tickRoom);
    };
    if (roomEveryMs > 0 && room.laptops.length > 0) roomTimer = safeTimeout(node, Math.min(roomEveryMs, 3000), tickRoom);

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        // A plug order from the room manager switches a simulated laptop's plug.
        if (msg.topic === "command" || validateDeviceCommand.check(msg.payload).ok) {
          const command = validateDeviceCommand.parse(msg.payload);
          if (!room.command(command)) throw new Error(RED._("elfe-sim-territory.errors.unknownLaptop", { deviceId: command.deviceId }));
          return done();
        }
        const now = clock.now();
        const roomMsgs = roomMessages(now);
        // Topic "room": the room's readings only.
        if (msg.topic === "room") {
          send([null, roomMsgs as unknown as NodeMessage]);
          return done();
        }
        let households = "";
        if (database instanceof Error) throw database;
        if (database) {
          const { db } = await database.coordination();
          const seeded = await seedHouseholds(db, { zone: territory.zone, now });
          households = RED._("elfe-sim-territory.status.households", { created: seeded.created, renewed: seeded.renewed });
        }
        send([{ ...msg, topic: "history", payload: sim.history(now, historyDays) }, roomMsgs as unknown as NodeMessage]);
        const kw = (w: number) => (w / 1000).toFixed(1);
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-sim-territory.status.running", { pv: kw(sim.pvW(now)), load: kw(sim.loadW(now)) }) + (households ? ` · ${households}` : "") });
        done();
      } catch (err) {
        const e = asError(err);
        node.status(errorStatus(e));
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(roomTimer);
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-sim-territory", ElfeSimTerritory);
}
