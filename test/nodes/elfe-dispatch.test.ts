import { strict as assert } from "node:assert";
import sinon from "sinon";
import territoryNode from "../../nodes/elfe-territory/elfe-territory";
import dispatchNode from "../../nodes/elfe-dispatch/elfe-dispatch";
import databaseNode from "../../nodes/elfe-database/elfe-database";
import { tableOf } from "../../lib/coordination";
import { SlotGrid } from "../../lib/time/grid";
import { migratedDb, type MigratedDb } from "../lib/coordination/fixtures";
import { databaseNodeSettings } from "../support/services";
import { validateDeviceCommand, validateDispatchEvent } from "../../lib/types";
import { binding, decisions, device, heater, plan } from "../lib/dispatch/fixtures";
import helper from "./helper";

const nodes = [territoryNode, dispatchNode];
const territory = { id: "t1", type: "elfe-territory", name: "Vilaine", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const delivered = () => new Promise((resolve) => setImmediate(resolve));
// Outputs: 0 shelly-gen1, 1 shelly-gen2, 2 tasmota, 3 switchbot, 4 openhasp, 5 socorel, 6 jeedom, 7 events.
const flow = (extra: Record<string, unknown> = {}) => [
  { id: "f1", type: "tab" },
  territory,
  {
    id: "n1",
    z: "f1",
    type: "elfe-dispatch",
    territory: "t1",
    failSafe: "off",
    confirmTimeout: 60,
    retries: 1,
    startPowerW: 20,
    wires: [["shelly"], [], ["tasmota"], ["switchbot"], [], [], [], ["events"]],
    ...extra,
  },
  { id: "shelly", z: "f1", type: "helper" },
  { id: "tasmota", z: "f1", type: "helper" },
  { id: "switchbot", z: "f1", type: "helper" },
  { id: "events", z: "f1", type: "helper" },
  { id: "c1", z: "f1", type: "catch", scope: null, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];

/** Collects what each helper receives. */
function collect() {
  const got: Record<string, any[]> = { shelly: [], tasmota: [], switchbot: [], events: [], caught: [] };
  for (const id of Object.keys(got)) helper.getNode(id).on("input", (msg: any) => got[id].push(msg));
  return got;
}
const commands = (msgs: any[]) => msgs.map((m) => `${m.payload.deviceId}:${m.payload.action}@${m.plugId}`);
/** Whether the node's status was ever set with this fill and a text matching `re`. */
const statusShown = (n: any, fill: string, re: RegExp) => n.status.args.some(([s]: any[]) => s.fill === fill && re.test(s.text));
const kinds = (msgs: any[]) => msgs.map((m) => m.payload.kind);

describe("elfe-dispatch node", function () {
  let clock: sinon.SinonFakeTimers | undefined;
  const fake = (now: string) => {
    clock = sinon.useFakeTimers({ now: Date.parse(now), toFake: ["setTimeout", "clearTimeout", "Date"] });
    return clock;
  };
  beforeEach(async () => helper.startServer());
  afterEach(async function () {
    clock?.restore();
    clock = undefined;
    await helper.unload();
    await helper.stopServer();
  });

  it("should be loaded with its territory and defaults, waiting for a plan", async function () {
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    assert.equal(n1.type, "elfe-dispatch");
    assert.ok(n1.status.calledWithMatch({ fill: "grey", text: "elfe-dispatch.status.waiting" }));
  });

  it("routes the plan's orders to each family's output at the slot boundaries, valid DeviceCommands", async function () {
    const c = fake("2026-06-10T09:59:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [binding("wm"), heater("ecs")] });
    n1.receive({
      topic: "plan",
      payload: plan("2026-06-10T12:00:00+02:00", [device("wm", decisions(96, [1])), device("ecs", decisions(96, [0]), { continuous: true })]),
    });
    await delivered();
    assert.deepEqual(commands(got.tasmota), [], "before the plan's first slot, and before any boundary: nothing yet");
    assert.ok(statusShown(n1, "grey", /elfe-dispatch.status.noPlan/));
    await c.tickAsync(60_000); // 10:00Z = 12:00 local: slot 0
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:on@tasmota-ecs"]);
    assert.deepEqual(commands(got.shelly), []);
    await c.tickAsync(15 * 60_000);
    await delivered();
    assert.deepEqual(commands(got.shelly), ["wm:on@plug-wm"]);
    assert.deepEqual(commands(got.tasmota).slice(1), ["ecs:off@tasmota-ecs"]);
    for (const m of [...got.shelly, ...got.tasmota]) validateDeviceCommand.parse(m.payload);
    for (const m of got.events) validateDispatchEvent.parse(m.payload);
    assert.equal(got.shelly[0].topic, "wm");
    assert.equal(got.shelly[0].payload.at, "2026-06-10T12:15:00+02:00");
    assert.ok(statusShown(n1, "green", /elfe-dispatch.status.slot/));
  });

  it("counts slots in real time on the fall-back day (100 quarter-hours)", async function () {
    const c = fake("2026-10-25T00:59:00Z"); // 02:59 CEST, then 02:00 CET again
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [heater("ecs")] });
    // On from slot 12 (the second 02:00, in CET) only.
    n1.receive({ topic: "plan", payload: plan("2026-10-25T00:00:00+02:00", [device("ecs", decisions(100, [12]), { continuous: true })], 100) });
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:off@tasmota-ecs"]);
    await c.tickAsync(60_000);
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:off@tasmota-ecs", "ecs:on@tasmota-ecs"]);
    assert.match(got.tasmota[1].payload.reason, /slot 12\/100/);
    assert.equal(got.tasmota[1].payload.at, "2026-10-25T02:00:00+01:00");
  });

  it("counts slots in real time on the spring-forward day (92 quarter-hours)", async function () {
    const c = fake("2026-03-29T00:59:00Z"); // 01:59 CET; at 01:00Z the clock jumps to 03:00 CEST
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [heater("ecs")] });
    n1.receive({ topic: "plan", payload: plan("2026-03-29T00:00:00+01:00", [device("ecs", decisions(92, [8]), { continuous: true })], 92) });
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:off@tasmota-ecs"]);
    await c.tickAsync(60_000);
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:off@tasmota-ecs", "ecs:on@tasmota-ecs"]);
    assert.match(got.tasmota[1].payload.reason, /slot 8\/92/);
    assert.equal(got.tasmota[1].payload.at, "2026-03-29T03:00:00+02:00");
  });

  it("a one-shot start confirmed by a reading switches the device to manual", async function () {
    fake("2026-06-10T10:00:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [binding("wm")] });
    n1.receive({ topic: "plan", payload: plan("2026-06-10T12:00:00+02:00", [device("wm", decisions(96, [0]))]) });
    await delivered();
    assert.deepEqual(commands(got.shelly), ["wm:on@plug-wm"]);
    n1.receive({ topic: "reading", payload: { deviceId: "plug-wm", ts: new Date().toISOString(), on: true, powerW: 3 } });
    await delivered();
    const mode = got.events.find((m) => m.payload.kind === "mode");
    assert.equal(mode.payload.coordination.mode, 20);
    assert.ok(kinds(got.events).includes("confirmed"));
  });

  it("retries an unconfirmed start, then reports it to Catch and in the status", async function () {
    const c = fake("2026-06-10T10:00:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [binding("wm")] });
    n1.receive({ topic: "plan", payload: plan("2026-06-10T12:00:00+02:00", [device("wm", decisions(96, [0]))]) });
    await delivered();
    await c.tickAsync(60_000);
    await delivered();
    assert.deepEqual(commands(got.shelly), ["wm:on@plug-wm", "wm:on@plug-wm"]);
    assert.ok(kinds(got.events).includes("retry"));
    await c.tickAsync(60_000);
    await delivered();
    assert.ok(kinds(got.events).includes("failed"));
    assert.equal(got.caught.length, 1);
    assert.match(got.caught[0].error.message, /wm: start of slot .* not confirmed after 2 attempt/);
    assert.ok(statusShown(n1, "red", /elfe-dispatch.status.failed/));
  });

  it("sends the second press of a double-press installation 5 s later", async function () {
    const c = fake("2026-06-10T10:00:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [binding("dw", { family: "switchbot", plugId: "bot", typology: 160 })] });
    n1.receive({ topic: "plan", payload: plan("2026-06-10T12:00:00+02:00", [device("dw", decisions(96, [0]))]) });
    await delivered();
    assert.deepEqual(commands(got.switchbot), ["dw:press@bot"]);
    await c.tickAsync(4_900);
    await delivered();
    assert.equal(got.switchbot.length, 1);
    await c.tickAsync(200);
    await delivered();
    assert.deepEqual(commands(got.switchbot), ["dw:press@bot", "dw:press@bot"]);
  });

  it("an override wins over the plan and expires on its own timer", async function () {
    const c = fake("2026-06-10T10:00:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [heater("ecs")] });
    n1.receive({ topic: "plan", payload: plan("2026-06-10T12:00:00+02:00", [device("ecs", decisions(96, []), { continuous: true })]) });
    n1.receive({ topic: "override", payload: { deviceId: "ecs", action: "on", until: "2026-06-10T12:05:00+02:00" } });
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:off@tasmota-ecs", "ecs:on@tasmota-ecs"]);
    await c.tickAsync(5 * 60_000);
    await delivered();
    assert.deepEqual(commands(got.tasmota).slice(2), ["ecs:off@tasmota-ecs"]);
    assert.ok(kinds(got.events).includes("override-expired"));
  });

  it("says when the plan has expired, and re-sends the full state on demand", async function () {
    fake("2026-06-12T10:00:00Z");
    await helper.load(nodes, flow({ failSafe: "on" }));
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "devices", payload: [heater("ecs")] });
    n1.receive({ topic: "plan", payload: plan("2026-06-10T12:00:00+02:00", [device("ecs", decisions(96, []), { continuous: true })]) });
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:on@tasmota-ecs"]);
    assert.ok(statusShown(n1, "yellow", /elfe-dispatch.status.expired/));
    n1.receive({ topic: "state" });
    await delivered();
    assert.deepEqual(commands(got.tasmota), ["ecs:on@tasmota-ecs", "ecs:on@tasmota-ecs"]);
    const state = got.events.find((m) => m.payload.kind === "state");
    assert.deepEqual(state.payload.devices.map((d: any) => [d.deviceId, d.desired, d.source]), [["ecs", "on", "failsafe"]]);
  });

  it("accepts a plan under any topic, and refuses what it does not understand, for Catch", async function () {
    fake("2026-06-10T10:00:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    n1.receive({ topic: "Vilaine", payload: plan("2026-06-10T12:00:00+02:00", []) });
    await delivered();
    assert.deepEqual(kinds(got.events), ["plan-applied"]);
    n1.receive({ topic: "bogus", payload: 1 });
    n1.receive({ topic: "plan", payload: { schemaVersion: 1 } });
    n1.receive({ topic: "override", payload: { deviceId: "nobody", action: "on" } });
    await delivered();
    await delivered();
    assert.equal(got.caught.length, 3);
    assert.match(got.caught[0].error.message, /elfe-dispatch.errors.unknownInput/);
    assert.match(got.caught[1].error.message, /invalid Plan/);
    assert.match(got.caught[2].error.message, /unknown device nobody/);
  });

  it("stops every timer on close", async function () {
    const c = fake("2026-06-10T10:00:00Z");
    await helper.load(nodes, flow());
    const n1 = helper.getNode("n1") as any;
    n1.receive({ topic: "devices", payload: [binding("dw", { family: "switchbot", plugId: "bot", typology: 160 })] });
    n1.receive({ topic: "plan", payload: plan("2026-06-10T12:00:00+02:00", [device("dw", decisions(96, [0]))]) });
    await delivered();
    assert.ok(c.countTimers() >= 3, "slot, second press, confirmation");
    await helper.unload();
    assert.equal(c.countTimers(), 0);
  });

  it("without a territory it says so and fails every message", async function () {
    await helper.load(nodes, flow({ territory: "" }));
    const n1 = helper.getNode("n1") as any;
    const caught = new Promise<any>((resolve) => helper.getNode("caught").on("input", resolve));
    n1.receive({ topic: "state" });
    assert.match((await caught).error.message, /no territory configured/);
    assert.ok(n1.status.calledWithMatch({ fill: "red", text: "elfe-dispatch.status.noTerritory" }));
  });
});

describe("elfe-dispatch node writing back to the coordination database", function () {
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

  it("a confirmed start puts the ELFE device in manual (30 → 20) with its states and last start; a bad database is reported, orders still go", async function () {
    const t = tableOf(m.db, "equipement_pilote_ou_mesure");
    const { rows } = await m.db.pool.query(`INSERT INTO ${t} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, nom_humain) VALUES (112, 30, 'lave-linge') RETURNING id`);
    const id = String(rows[0].id);
    const db = { id: "db1", type: "elfe-database", ...databaseNodeSettings(m.test), migrate: false };
    await helper.load([...nodes, databaseNode], [...flow({ database: "db1" }), db], { db1: {} });
    const n1 = helper.getNode("n1") as any;
    const got = collect();
    const now = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 }).slotStart(Date.now());
    n1.receive({ topic: "devices", payload: [binding(id)] });
    n1.receive({ topic: "plan", payload: plan(now.toISO()!, [device(id, decisions(96, [0]))]) });
    await delivered();
    assert.deepEqual(commands(got.shelly), [`${id}:on@plug-${id}`]);
    n1.receive({ topic: "reading", payload: { deviceId: `plug-${id}`, ts: new Date().toISOString(), on: true, powerW: 1800 } });
    const row = async () => (await m.db.pool.query(`SELECT * FROM ${t} WHERE id = $1`, [Number(id)])).rows[0];
    for (let i = 0; i < 100 && (await row()).equipement_pilote_ou_mesure_mode_id !== 20; i++) await new Promise((r) => setTimeout(r, 50));
    const r = await row();
    assert.deepEqual([r.equipement_pilote_ou_mesure_mode_id, r.etat_commande_id, r.etat_controle_id, r.ems_consigne_marche], [20, 13, 15, true]);
    assert.ok(Math.abs(Number(r.timestamp_derniere_mise_en_marche) * 1000 - Date.now()) < 60_000);
    assert.deepEqual(got.caught, []);

    // The database goes away: the next orders are still sent, the failed write goes to Catch.
    await helper.unload();
    await helper.load([...nodes, databaseNode], [...flow({ database: "db1" }), { ...db, port: 1 }], { db1: {} });
    const n2 = helper.getNode("n1") as any;
    const got2 = collect();
    n2.receive({ topic: "devices", payload: [binding(id)] });
    n2.receive({ topic: "plan", payload: plan(now.toISO()!, [device(id, decisions(96, [0]))]) });
    await delivered();
    assert.deepEqual(commands(got2.shelly), [`${id}:on@plug-${id}`]);
    n2.receive({ topic: "reading", payload: { deviceId: `plug-${id}`, ts: new Date().toISOString(), on: true, powerW: 1800 } });
    for (let i = 0; i < 200 && got2.caught.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(got2.caught[0]?.error?.message ?? "", /elfe-dispatch.errors.writeBack|not written/);
  });
});
