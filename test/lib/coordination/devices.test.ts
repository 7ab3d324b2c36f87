import { strict as assert } from "node:assert";
import { readDevices, tableOf } from "../../../lib/coordination";
import { socorel } from "../../../lib/devices/socorel";
import { switchBot } from "../../../lib/devices/switchbot";
import { validateDeviceBinding, type DeviceCommand } from "../../../lib/types";
import { migratedDb, type MigratedDb } from "./fixtures";

describe("coordination: device registry (piloted equipment -> plug family and MQTT topics)", function () {
  this.timeout(180_000);
  let m: MigratedDb;
  const t = (name: string) => tableOf(m.db, name);
  const sql = (text: string, params: unknown[] = []) => m.db.pool.query(text, params);
  async function epom(type: number, user: string | null, name: string, typology: number | null = 120): Promise<number> {
    const { rows } = await sql(
      `INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, utilisateur, nom_humain, typologie_installation_domotique_id)
       VALUES ($1, 30, $2, $3, $4) RETURNING id`,
      [type, user, name, typology],
    );
    return rows[0].id;
  }
  async function domotic(type: number, usage: number | null, idMateriel: string, opts: { epom?: number; user?: string; sortie?: number; root?: string } = {}) {
    await sql(
      `INSERT INTO ${t("equipement_domotique")} (equipement_domotique_type_id, equipement_domotique_usage_id, id_materiel, equipement_pilote_ou_mesure_id, utilisateur, sortie, racine_topic_mqtt)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [type, usage, idMateriel, opts.epom ?? null, opts.user ?? null, opts.sortie ?? null, opts.root ?? null],
    );
  }
  beforeEach(async () => {
    m = await migratedDb();
  });
  afterEach(async () => m.close());

  it("maps each family of ELFE's annex to its binding and topics", async function () {
    const washer = await epom(112, "u1", "lave-linge");
    await domotic(111, 11, "shellyplug-s-ABCDEF", { epom: washer });
    const tank = await epom(131, "u2", "ballon", 180);
    await domotic(811, 12, "121345678", { epom: tank, sortie: 3 });
    const dish = await epom(111, "u3", "lave-vaisselle", 130);
    await domotic(311, 32, "C002/bot/C003", { epom: dish });
    const ev = await epom(221, "u4", "borne");
    await domotic(411, 11, "D003", { epom: ev, root: "elfe/site4/D003" });
    const dryer = await epom(113, "u5", "sèche-linge");
    await domotic(112, 11, "A123", { epom: dryer });
    const { devices, warnings } = await readDevices(m.db);
    assert.deepEqual(warnings, []);
    const by = new Map(devices.map((d) => [d.binding.deviceId, d]));
    assert.deepEqual(by.get(String(washer))!.binding, { deviceId: String(washer), name: "lave-linge", elfeType: 112, mode: 30, family: "shelly-gen1", plugId: "shellyplug-s-ABCDEF", typology: 120 });
    assert.equal(by.get(String(washer))!.commandTopic, "shellies/shellyplug-s-ABCDEF/relay/0/command");
    assert.equal(by.get(String(tank))!.binding.family, "socorel");
    assert.equal(by.get(String(tank))!.commandTopic, "Socorel/121345678/sortie3");
    assert.equal(by.get(String(dish))!.commandTopic, "switchbot/C002/bot/C003/set");
    // Plug ids as the translators expect them: the same topics come out of socorel / switchBot.
    assert.equal(by.get(String(tank))!.binding.plugId, "121345678/3");
    assert.equal(by.get(String(dish))!.binding.plugId, "C002/C003");
    const order = (d: number, family: DeviceCommand["family"]): DeviceCommand => ({ deviceId: String(d), family, action: "on", at: new Date().toISOString(), reason: "plan" });
    assert.equal(socorel({ devices: `${tank} = 121345678/3` }).command(order(tank, "socorel"))[0].topic, "Socorel/121345678/sortie3");
    assert.equal(switchBot({ devices: `${dish} = C002/C003` }).command(order(dish, "switchbot"))[0].topic, "switchbot/C002/bot/C003/set");
    assert.equal(by.get(String(ev))!.binding.family, "shelly-gen2");
    assert.equal(by.get(String(ev))!.rootTopic, "elfe/site4/D003");
    assert.equal(by.get(String(ev))!.commandTopic, "elfe/site4/D003/rpc");
    assert.equal(by.get(String(dryer))!.binding.family, "tasmota");
    assert.equal(by.get(String(dryer))!.commandTopic, "cmnd/A123/POWER");
    for (const d of devices) assert.ok(validateDeviceBinding.check(d.binding).ok);
  });

  it("pairs by user and switching usage as ELFE does when no explicit link is set; warns for equipment with no plug", async function () {
    const washer = await epom(112, "famille-martin", "lave-linge");
    await domotic(711, 71, "g002", { user: "famille-martin" }); // the screen does not switch anything
    await domotic(211, 21, "B000", { user: "famille-martin" }); // a measuring plug only
    await domotic(211, 11, "B001", { user: "famille-martin" });
    const lonely = await epom(112, "famille-durand", "sans prise");
    const { devices, warnings } = await readDevices(m.db, [String(washer), String(lonely)]);
    assert.deepEqual(devices.map((d) => [d.binding.deviceId, d.binding.plugId, d.binding.family]), [[String(washer), "B001", "tasmota"]]);
    assert.deepEqual(warnings.map((w) => w.deviceId), [String(lonely)]);
  });
});
