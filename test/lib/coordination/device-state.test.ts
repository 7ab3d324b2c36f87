import { strict as assert } from "node:assert";
import { tableOf, writeDeviceStates } from "../../../lib/coordination";
import type { DispatchEvent } from "../../../lib/types";
import { migratedDb, type MigratedDb } from "./fixtures";

describe("coordination: device state written back from the dispatch's events", function () {
  this.timeout(180_000);
  let m: MigratedDb;
  const t = (name: string) => tableOf(m.db, name);
  const sql = (text: string, params: unknown[] = []) => m.db.pool.query(text, params);
  async function device(mode: number, control = 70): Promise<string> {
    const { rows } = await sql(`INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, etat_controle_id, nom_humain) VALUES (112, $1, $2, 'lave-linge') RETURNING id`, [mode, control]);
    return String(rows[0].id);
  }
  const row = async (id: string) => (await sql(`SELECT * FROM ${t("equipement_pilote_ou_mesure")} WHERE id = $1`, [Number(id)])).rows[0];
  const at = "2026-06-10T08:15:00.000Z";
  const started = (deviceId: string): DispatchEvent[] => [
    { kind: "confirmed", at, message: "start confirmed", deviceId, coordination: { commandState: 13, controlState: 15, running: true, lastStartAt: at } },
    { kind: "mode", at, message: "started: back to manual (30 → 20)", deviceId, coordination: { mode: 20 } },
  ];
  beforeEach(async () => {
    m = await migratedDb();
  });
  afterEach(async () => m.close());

  it("a confirmed start: command and control states, consigne, last start, and mode 30 → 20 with the programming time", async function () {
    const id = await device(30);
    const now = Date.parse("2026-06-10T08:16:00Z");
    const report = await writeDeviceStates(m.db, started(id), now);
    assert.deepEqual(report, { updated: 2, skipped: [] });
    const r = await row(id);
    assert.deepEqual(
      [r.etat_commande_id, r.etat_controle_id, r.ems_consigne_marche, Number(r.timestamp_derniere_mise_en_marche), r.equipement_pilote_ou_mesure_mode_id, Number(r.timestamp_derniere_programmation)],
      [13, 15, true, Date.parse(at) / 1000, 20, now / 1000],
    );
  });

  it("keeps ELFE's guards: errcom devices untouched, a mode set by an operator (10) kept, other devices unaffected", async function () {
    const errcom = await device(30, 60);
    const installing = await device(10);
    const other = await device(30);
    const report = await writeDeviceStates(m.db, [...started(errcom), ...started(installing)]);
    assert.equal(report.updated, 1, "only the installing device's states (not its mode)");
    assert.deepEqual([(await row(errcom)).etat_commande_id, (await row(errcom)).equipement_pilote_ou_mesure_mode_id], [1, 30]);
    assert.deepEqual([(await row(installing)).etat_commande_id, (await row(installing)).equipement_pilote_ou_mesure_mode_id], [13, 10]);
    assert.deepEqual([(await row(other)).etat_commande_id, (await row(other)).equipement_pilote_ou_mesure_mode_id], [1, 30]);
  });

  it("disable and back (70 ⇄ 30); events without coordination fields or for non-ELFE ids write nothing", async function () {
    const id = await device(30);
    await writeDeviceStates(m.db, [{ kind: "mode", at, message: "disabled", deviceId: id, coordination: { mode: 70 } }]);
    assert.equal((await row(id)).equipement_pilote_ou_mesure_mode_id, 70);
    await writeDeviceStates(m.db, [{ kind: "mode", at, message: "back", deviceId: id, coordination: { mode: 30 } }]);
    assert.equal((await row(id)).equipement_pilote_ou_mesure_mode_id, 30);
    const report = await writeDeviceStates(m.db, [
      { kind: "plan-applied", at, message: "plan" },
      { kind: "confirmed", at, message: "x", deviceId: "wm-r004", coordination: { running: true } },
      { kind: "mode", at, message: "injection", deviceId: `${id}; DROP TABLE result`, coordination: { mode: 20 } },
    ]);
    assert.deepEqual(report, { updated: 0, skipped: ["wm-r004", `${id}; DROP TABLE result`] });
    assert.equal((await row(id)).equipement_pilote_ou_mesure_mode_id, 30);
  });
});
