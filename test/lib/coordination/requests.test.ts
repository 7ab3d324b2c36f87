// ELFE's selection rules, one test each, with rows written by SQL as an operator would.
import { strict as assert } from "node:assert";
import { publishPlan, readFlexRequests, tableOf, DEFAULT_MACHINE_PROFILE_W, type FlexRequestsReading } from "../../../lib/coordination";
import type { FlexRequest } from "../../../lib/types";
import { migratedDb, samplePlan, type MigratedDb } from "./fixtures";

// Wednesday 10 June 2026, 12:14:30 UTC (14:14:30 in Paris): the slot in progress is 12:15Z, the plan begins at 12:30Z.
const NOW = Date.parse("2026-06-10T12:14:30Z");
const S = (iso: string) => Date.parse(iso) / 1000;
const territory = { zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };

describe("coordination: flexibility requests with ELFE's rules", function () {
  this.timeout(180_000);
  let m: MigratedDb;
  const t = (name: string) => tableOf(m.db, name);
  const sql = (text: string, params: unknown[] = []) => m.db.pool.query(text, params);

  async function device(type: number, mode = 30, name: string | null = null, lastStart: number | null = null): Promise<number> {
    const { rows } = await sql(
      `INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, nom_humain, timestamp_derniere_mise_en_marche)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [type, mode, name, lastStart],
    );
    return rows[0].id;
  }
  async function machine(mode: number, fin: number | null, delay: number | null, name: string | null = null): Promise<number> {
    const id = await device(112, mode, name);
    await sql(`INSERT INTO ${t("equipement_pilote_machine_generique")} (equipement_pilote_ou_mesure_id, timestamp_de_fin_souhaite, delai_attente_maximale_apres_fin) VALUES ($1, $2, $3)`, [id, fin, delay]);
    return id;
  }
  async function tank(lastStart: number | null, windows: [boolean, number, number][], power = 2000): Promise<number> {
    const id = await device(131, 30, null, lastStart);
    const { rows } = await sql(`INSERT INTO ${t("equipement_pilote_ballon_ecs")} (equipement_pilote_ou_mesure_id, volume_ballon, puissance_chauffe) VALUES ($1, 200, $2) RETURNING id`, [id, power]);
    for (const [actif, debut, fin] of windows) {
      await sql(`INSERT INTO ${t("equipement_pilote_ballon_ecs_heures_creuses")} (equipement_pilote_ballon_ecs_id, actif, debut, fin) VALUES ($1, $2, $3, $4)`, [rows[0].id, actif, debut, fin]);
    }
    return id;
  }
  const read = (now = NOW): Promise<FlexRequestsReading> => readFlexRequests(m.db, { ...territory, now });
  const find = <K extends FlexRequest["kind"]>(r: FlexRequestsReading, id: number) => r.requests.find((q) => q.deviceId === String(id)) as Extract<FlexRequest, { kind: K }> | undefined;
  const warned = (r: FlexRequestsReading, id: number) => r.warnings.filter((w) => w.deviceId === String(id));

  beforeEach(async () => {
    m = await migratedDb();
  });
  afterEach(async () => m.close());

  it("plans only devices in mode 30 (piloté)", async function () {
    const fin = S("2026-06-10T20:00:00Z");
    const manual = await machine(20, fin, 3600);
    const disabled = await machine(70, fin, 3600);
    const piloted = await machine(30, fin, 3600);
    const r = await read();
    assert.deepEqual(r.requests.map((q) => q.deviceId), [String(piloted)]);
    assert.equal(r.deviceCount, 1);
    assert.equal(r.begin, "2026-06-10T14:30:00+02:00");
    assert.equal(r.currentSlot, "2026-06-10T14:15:00+02:00");
    assert.deepEqual([...warned(r, manual), ...warned(r, disabled)], []);
  });

  it("a machine must end within [wished end − maximum delay, wished end], with its learned cycle (else ELFE's default one)", async function () {
    const fin = S("2026-06-10T20:00:00Z");
    const learned = await machine(30, fin, 3600);
    await sql(`INSERT INTO ${t("elfe_learned_cycle")} (equipement_pilote_ou_mesure_id, step_minutes, profile_w) VALUES ($1, 15, $2)`, [learned, [2000, 2000, 500, 100]]);
    const plain = await machine(30, fin, null);
    const r = await read();
    const a = find<"machine">(r, learned)!;
    assert.deepEqual(a.profileW, [2000, 2000, 500, 100]);
    assert.equal(a.earliestStart, "2026-06-10T20:00:00+02:00"); // 20:00Z − 1 h − 4 slots = 18:00Z
    assert.equal(a.latestEnd, "2026-06-10T22:00:00+02:00");
    const b = find<"machine">(r, plain)!;
    assert.deepEqual(b.profileW, DEFAULT_MACHINE_PROFILE_W);
    assert.equal(b.earliestStart, r.begin);
    assert.equal(b.elfeType, 112);
  });

  it("a device its previous plan starts in the slot in progress is not re-planned; a later start is kept as previousStart", async function () {
    const fin = S("2026-06-10T22:00:00Z");
    const starting = await machine(30, fin, null);
    const later = await machine(30, fin, null);
    const plan = samplePlan("2026-06-10T14:00:00+02:00", 0);
    const pulse = (slot: number) => Array.from({ length: 96 }, (_, i) => (i === slot ? 1 : 0));
    plan.devices = [
      { deviceId: String(starting), kind: "machine", continuous: false, decisions: pulse(1), energyWh: 1000 }, // 14:15 = slot in progress
      { deviceId: String(later), kind: "machine", continuous: false, decisions: pulse(8), energyWh: 1000 }, // 16:00
    ];
    await publishPlan(m.db, plan);
    const r = await read();
    assert.equal(find(r, starting), undefined);
    assert.deepEqual(warned(r, starting).map((w) => w.code), ["WARN_IGNORED"]);
    assert.equal(find(r, later)?.previousStart, "2026-06-10T16:00:00+02:00");
  });

  it("a hot-water tank is planned only ≥ 12 h after its last start, in its longest active off-peak window not yet ended", async function () {
    const h = 3600;
    const recent = await tank(S("2026-06-10T06:00:00Z"), [[true, 22 * h, 6 * h]]);
    const due = await tank(S("2026-06-09T20:00:00Z"), [[true, 12 * h, 14 * h], [true, 1 * h, 6 * h], [false, 0, 23 * h]]);
    const never = await tank(null, [[true, 12 * h, 14 * h]]);
    await sql(`INSERT INTO ${t("elfe_device_measure")} (equipement_pilote_ou_mesure_id, ecs_energie_24h_wh) VALUES ($1, 3000)`, [due]);
    const r = await read();
    assert.equal(find(r, recent), undefined);
    assert.match(warned(r, recent)[0].message, /less than 12 h ago/);
    const q = find<"water-heater">(r, due)!;
    // 01:00–06:00 UTC is the longest active window; today's has ended, so tomorrow's.
    assert.deepEqual(q.windows, [{ start: "2026-06-11T03:00:00+02:00", end: "2026-06-11T08:00:00+02:00" }]);
    assert.equal(q.energyWh, 3000 + 2 * 2000);
    assert.equal(q.powerW, 2000);
    // A window not yet ended today is today's, even if it has started.
    assert.deepEqual(find<"water-heater">(r, never)!.windows, [{ start: "2026-06-10T14:00:00+02:00", end: "2026-06-10T16:00:00+02:00" }]);
  });

  it("a hot-water tank without an active off-peak window is not planned; a window across midnight ends the next day", async function () {
    const h = 3600;
    const inactive = await tank(null, [[false, 1 * h, 6 * h]]);
    const night = await tank(null, [[true, 22 * h, 6 * h]]);
    const r = await read();
    assert.equal(find(r, inactive), undefined);
    assert.match(warned(r, inactive)[0].message, /no active off-peak window/);
    assert.deepEqual(find<"water-heater">(r, night)!.windows, [{ start: "2026-06-11T00:00:00+02:00", end: "2026-06-11T08:00:00+02:00" }]);
  });

  it("an electric vehicle: charger power, capacity, charge now and wished, departure; one start at full power like ELFE", async function () {
    const ev = await device(221, 30, "Zoé");
    await sql(
      `INSERT INTO ${t("equipement_pilote_vehicule_electrique_generique")} (equipement_pilote_ou_mesure_id, pourcentage_charge_restant, pourcentage_charge_finale_minimale_souhaitee, timestamp_dispo_souhaitee, puissance_de_charge, capacite_de_batterie)
       VALUES ($1, 30, 80, $2, 7400, 52000)`,
      [ev, S("2026-06-11T05:30:00Z")],
    );
    const full = await device(221, 30);
    await sql(`INSERT INTO ${t("equipement_pilote_vehicule_electrique_generique")} (equipement_pilote_ou_mesure_id, pourcentage_charge_restant, pourcentage_charge_finale_minimale_souhaitee, timestamp_dispo_souhaitee, puissance_de_charge, capacite_de_batterie) VALUES ($1, 90, 80, $2, 7400, 52000)`, [full, S("2026-06-11T05:30:00Z")]);
    const r = await read();
    assert.deepEqual(find(r, ev), {
      deviceId: String(ev),
      elfeType: 221,
      name: "Zoé",
      kind: "ev",
      maxPowerW: 7400,
      capacityWh: 52000,
      socPct: 30,
      targetSocPct: 80,
      departure: "2026-06-11T07:30:00+02:00",
      modulating: false,
    });
    assert.equal(find(r, full), undefined);
  });

  it("a pilot-wire heater: comfort periods of the weekday/weekend programme, snapped to slots, merged, cut to the horizon", async function () {
    const heater = await device(151);
    const h = 3600;
    await sql(
      `INSERT INTO ${t("equipement_pilote_chauffage_non_asservi")} (equipement_pilote_ou_mesure_id,
         prog_semaine_periode_1_confort_actif, prog_semaine_periode_1_confort_heure_debut, prog_semaine_periode_1_confort_heure_fin,
         prog_semaine_periode_2_confort_actif, prog_semaine_periode_2_confort_heure_debut, prog_semaine_periode_2_confort_heure_fin,
         prog_weekend_periode_1_confort_actif, prog_weekend_periode_1_confort_heure_debut, prog_weekend_periode_1_confort_heure_fin,
         puissance_moyenne_eco, puissance_moyenne_confort, pourcentage_eco_force)
       VALUES ($1, true, $2, $3, true, $4, $5, true, 0, 86400, 300, 1500, 20)`,
      [heater, 5 * h + 600, 7 * h, 6 * h + 1800, 9 * h],
    );
    const r = await read();
    const q = find<"heater-pilot-wire">(r, heater)!;
    assert.equal(q.ecoW, 300);
    assert.equal(q.comfortW, 1500);
    assert.equal(q.ecoForcedMaxPct, 20);
    // Wednesday and Thursday are weekdays: 05:10–07:00Z and 06:30–09:00Z merge into 05:00–09:00Z (snapped out).
    assert.deepEqual(q.comfortPeriods, [{ start: "2026-06-11T07:00:00+02:00", end: "2026-06-11T11:00:00+02:00" }]);
    // On a Saturday the weekend programme (all day) applies.
    const saturday = await read(Date.parse("2026-06-13T12:14:30Z"));
    assert.deepEqual(find<"heater-pilot-wire">(saturday, heater)!.comfortPeriods, [{ start: "2026-06-13T14:30:00+02:00", end: "2026-06-14T14:30:00+02:00" }]);
  });

  it("a thermostatic heater: its measured temperature, ELFE's RC model and eco/comfort bands (deci-kelvin) over the horizon", async function () {
    const heater = await device(155);
    await sql(
      `INSERT INTO ${t("equipement_pilote_chauffage_asservi")} (equipement_pilote_ou_mesure_id, prog_semaine_periode_1_confort_actif,
         prog_semaine_periode_1_confort_heure_debut, prog_semaine_periode_1_confort_heure_fin, temperature_eco, temperature_confort,
         delta_temp_maximale_temp_demandee, puissance, modele_thermique_id)
       VALUES ($1, true, 64800, 75600, 2881, 2931, 5, 2000, 1)`,
      [heater],
    );
    const unmeasured = await device(155);
    await sql(`INSERT INTO ${t("equipement_pilote_chauffage_asservi")} (equipement_pilote_ou_mesure_id, temperature_eco, temperature_confort, puissance) VALUES ($1, 2881, 2931, 2000)`, [unmeasured]);
    await sql(`INSERT INTO ${t("elfe_device_measure")} (equipement_pilote_ou_mesure_id, temperature_c) VALUES ($1, 19.2)`, [heater]);
    const r = await read();
    const q = find<"heater-thermal">(r, heater)!;
    assert.equal(q.tempC, 19.2);
    assert.deepEqual(q.model, { resistanceKPerW: 0.00457, capacityJPerK: 2_835_616 });
    assert.deepEqual(
      q.bands.map((b) => [b.start, b.end, Math.round(b.minC * 10) / 10, Math.round(b.maxC * 10) / 10]),
      [
        ["2026-06-10T14:30:00+02:00", "2026-06-10T20:00:00+02:00", 14.5, 15.5],
        ["2026-06-10T20:00:00+02:00", "2026-06-10T23:00:00+02:00", 19.5, 20.5],
        ["2026-06-10T23:00:00+02:00", "2026-06-11T14:30:00+02:00", 14.5, 15.5],
      ],
    );
    assert.match(warned(r, unmeasured)[0].message, /no measured temperature/);
  });

  it("invalid rows become warnings naming the device, never a failed read", async function () {
    const negative = await machine(30, S("2026-06-10T20:00:00Z"), -60, "lave-linge Dupont");
    const past = await machine(30, S("2026-06-10T12:00:00Z"), 0, "sèche-linge");
    const noDeadline = await machine(30, null, 0);
    const meter = await device(410, 30, "compteur");
    await sql(`INSERT INTO ${t("equipement_pilote_ou_mesure_type")} (id, nom) VALUES (999, 'four')`);
    const unknown = await device(999, 30, "four");
    const orphan = await device(111, 30, "lave-vaisselle sans contrainte");
    const badTank = await tank(null, [[true, 3600, 7200]], -5);
    const badEv = await device(221, 30);
    await sql(`INSERT INTO ${t("equipement_pilote_vehicule_electrique_generique")} (equipement_pilote_ou_mesure_id, pourcentage_charge_restant, pourcentage_charge_finale_minimale_souhaitee, timestamp_dispo_souhaitee, puissance_de_charge, capacite_de_batterie) VALUES ($1, 10, 80, $2, -7400, 52000)`, [badEv, S("2026-06-11T05:30:00Z")]);
    const good = await machine(30, S("2026-06-10T20:00:00Z"), 3600);
    const r = await read();
    assert.deepEqual(r.requests.map((q) => q.deviceId), [String(good)]);
    const message = (id: number) => warned(r, id).map((w) => w.message).join(" | ");
    assert.match(message(negative), /"lave-linge Dupont": negative maximum delay/);
    assert.match(message(past), /"sèche-linge": its wished end .* is already past/);
    assert.match(message(noDeadline), /no wished end/);
    assert.match(message(meter), /type 410 cannot be planned/);
    assert.match(message(unknown), /type 999 cannot be planned/);
    assert.match(message(orphan), /no row in equipement_pilote_machine_generique/);
    assert.match(message(badTank), /must be positive/);
    assert.match(message(badEv), /maxPowerW/);
    for (const w of r.warnings) assert.ok(w.message.startsWith(`device ${w.deviceId}`), w.message);
  });

  it("device names that look like SQL are data: read back as names, tables intact", async function () {
    const hostile = "x'); DROP TABLE result; DELETE FROM equipement_pilote_ou_mesure; --";
    const id = await machine(30, S("2026-06-10T20:00:00Z"), 3600, hostile);
    const bad = await machine(30, S("2026-06-10T20:00:00Z"), -1, `"; DROP SCHEMA ${m.test.schema} CASCADE; --`);
    const r = await read();
    assert.equal(find(r, id)?.name, hostile);
    assert.match(warned(r, bad)[0].message, /DROP SCHEMA/);
    const { rows } = await sql(`SELECT count(*)::int AS n FROM ${t("equipement_pilote_ou_mesure")}`);
    assert.equal(rows[0].n, 2);
    await sql(`SELECT count(*) FROM ${t("result")}`);
  });

  it("gives wall-clock times in the territory's zone across a DST change", async function () {
    const id = await machine(30, S("2026-10-25T12:00:00Z"), null);
    const r = await read(Date.parse("2026-10-24T23:59:00Z"));
    assert.equal(r.begin, "2026-10-25T02:15:00+02:00");
    assert.equal(find<"machine">(r, id)!.latestEnd, "2026-10-25T13:00:00+01:00");
  });
});
