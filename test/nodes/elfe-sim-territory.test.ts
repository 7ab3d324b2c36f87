import { strict as assert } from "node:assert";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import databaseNode from "../../nodes/elfe-database/elfe-database";
import simNode from "../../nodes/elfe-sim-territory/elfe-sim-territory";
import { readFlexRequests } from "../../lib/coordination";
import { validateSlotSeries } from "../../lib/types";
import { migratedDb, type MigratedDb } from "../lib/coordination/fixtures";
import { databaseNodeSettings } from "../support/services";
import helper from "./helper";

const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };

describe("elfe-sim-territory node", function () {
  this.timeout(180_000);
  let m: MigratedDb;
  beforeEach(async () => {
    m = await migratedDb();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await m.close();
  });

  it("sends the balance history and the room's readings at each tick, writes the households, takes the laptops' plug orders", async function () {
    const db = { id: "db1", type: "elfe-database", ...databaseNodeSettings(m.test), migrate: false };
    await helper.load(
      [territoryNode, databaseNode, simNode],
      [
        { id: "f1", type: "tab" },
        territory,
        db,
        { id: "sim", z: "f1", type: "elfe-sim-territory", territory: "t1", database: "db1", seed: 3, pvPeakW: 50000, households: 30, historyDays: 2, laptops: 3, roomPvPeakW: 400, roomEverySeconds: 0, wires: [["history"], ["room"]] },
        { id: "history", z: "f1", type: "helper" },
        { id: "room", z: "f1", type: "helper" },
        { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
        { id: "caught", z: "f1", type: "helper" },
      ],
      { db1: {} },
    );
    const got: Record<string, any[]> = { history: [], room: [], caught: [] };
    for (const id of Object.keys(got)) helper.getNode(id).on("input", (msg: any) => got[id].push(msg));
    const sim = helper.getNode("sim") as any;
    sim.receive({ payload: Date.now() });
    for (let i = 0; i < 100 && got.room.length < 4; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.history.length, 1);
    assert.ok(validateSlotSeries.check(got.history[0].payload).ok);
    assert.ok(got.history[0].payload.values.length >= 2 * 92);
    assert.deepEqual(got.room.map((msg) => msg.topic), ["pv", "plug", "battery", "cycle"]);
    assert.equal(got.room[1].payload.length, 3);
    const reading = await readFlexRequests(m.db, { zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 });
    assert.ok(reading.requests.length >= 3, JSON.stringify(reading.warnings));

    // The room manager cuts a laptop's plug: its next reading says so. An unknown laptop goes to Catch.
    const laptop = got.room[1].payload[0].deviceId;
    sim.receive({ topic: "command", payload: { deviceId: laptop, family: "jeedom", action: "off", reason: "shed", at: new Date().toISOString() } });
    sim.receive({ topic: "command", payload: { deviceId: "PC99", family: "jeedom", action: "off", reason: "shed", at: new Date().toISOString() } });
    sim.receive({ payload: Date.now() });
    for (let i = 0; i < 100 && got.room.length < 8; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(got.room[5].payload.find((p: any) => p.deviceId === laptop)?.on, false);
    assert.match(got.caught[0]?.error?.message ?? "", /unknownLaptop|PC99/);
  });

  it("sends the room's readings on its own period, and stops on close", async function () {
    await helper.load(
      [territoryNode, simNode],
      [
        { id: "f1", type: "tab" },
        territory,
        { id: "sim", z: "f1", type: "elfe-sim-territory", territory: "t1", seed: 3, laptops: 2, roomEverySeconds: 0.05, wires: [["history"], ["room"]] },
        { id: "history", z: "f1", type: "helper" },
        { id: "room", z: "f1", type: "helper" },
      ],
    );
    const room: any[] = [];
    helper.getNode("room").on("input", (msg: any) => room.push(msg));
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(room.length >= 8, `${room.length} room messages`);
    assert.deepEqual(room.slice(0, 4).map((msg) => msg.topic), ["pv", "plug", "battery", "cycle"]);
    await helper.unload();
    const after = room.length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(room.length, after, "no timer left after close");
  });
});
