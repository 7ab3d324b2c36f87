// The demo territory's piloted households, written into ELFE's coordination tables as a real
// installation would have them (piloted equipment, its plug, its constraints), and renewed every
// day: once a deadline has passed, the machine is asked for again for the next day and the car
// comes back half empty. `elfe-flex-requests` reads them with ELFE's rules.
import { DateTime } from "luxon";
import { inTransaction, rowsOf, tableOf, unixSeconds, type CoordinationDb } from "../coordination/db";
import * as clock from "../time/clock";

interface Plug {
  /** equipement_domotique_type id (its family and topics), usage, id_materiel, Socorel output. */
  type: number;
  usage: number;
  id: string;
  output?: number;
}

interface DemoDevice {
  user: string;
  name: string;
  elfeType: number;
  plug: Plug;
  machine?: { endHour: number; waitHours: number; profileW: number[] };
  tank?: { powerW: number; litres: number; offPeakUtc: [number, number]; energyWh: number };
  ev?: { fromPct: number; toPct: number; readyHour: number; powerW: number; capacityWh: number };
}

/** The demo's households: each family of plug that switches something, each kind of request. */
export const DEMO_HOUSEHOLDS: readonly DemoDevice[] = [
  { user: "demo:dupont", name: "lave-linge Dupont", elfeType: 112, plug: { type: 111, usage: 11, id: "shellyplug-s-wm01" }, machine: { endHour: 18, waitHours: 8, profileW: [2000, 1900, 450, 300, 150, 1800, 100, 40] } },
  { user: "demo:martin", name: "lave-vaisselle Martin", elfeType: 111, plug: { type: 411, usage: 11, id: "shellyplus1pm-dw01" }, machine: { endHour: 7, waitHours: 14, profileW: [1800, 1700, 150, 120, 1750, 90] } },
  { user: "demo:legoff", name: "ballon ECS Le Goff", elfeType: 131, plug: { type: 211, usage: 12, id: "ecs01" }, tank: { powerW: 2000, litres: 200, offPeakUtc: [9 * 3600, 15 * 3600], energyWh: 3500 } },
  { user: "demo:riou", name: "ballon ECS Riou", elfeType: 131, plug: { type: 811, usage: 12, id: "sc01", output: 3 }, tank: { powerW: 1500, litres: 150, offPeakUtc: [10 * 3600, 16 * 3600], energyWh: 2500 } },
  { user: "demo:riou", name: "sèche-linge Riou", elfeType: 113, plug: { type: 311, usage: 32, id: "hub1/bot/C004" }, machine: { endHour: 21, waitHours: 10, profileW: [2400, 2400, 2300, 1500, 300] } },
  { user: "demo:guerin", name: "voiture Guérin", elfeType: 221, plug: { type: 411, usage: 11, id: "shellyplus1pm-ev01" }, ev: { fromPct: 40, toPct: 80, readyHour: 7, powerW: 3700, capacityWh: 40_000 } },
];

/** The next time it is `hour`:00 in `zone` after `now`, at least `minHours` ahead (epoch ms). */
function nextHour(now: number, zone: string, hour: number, minHours = 0): number {
  let t = DateTime.fromMillis(now, { zone }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  while (t.toMillis() <= now + minHours * 3_600_000) t = t.plus({ days: 1 });
  return t.toMillis();
}

export interface SeedReport {
  /** Piloted devices created (0 when the households were already there). */
  created: number;
  /** Requests renewed for a new day. */
  renewed: number;
}

/**
 * Creates the demo households once (recognised by their `utilisateur` "demo:…"), then renews
 * their requests once their deadline has passed: a machine (which ran and went back to manual,
 * mode 20, or never started) is asked for again for the next day; the car comes back half empty
 * and wants its charge for the next morning.
 */
export async function seedHouseholds(db: CoordinationDb, options: { zone: string; now?: number }): Promise<SeedReport> {
  const now = options.now ?? clock.now();
  const t = (name: string) => tableOf(db, name);
  return inTransaction(db, async (client) => {
    // One seeder at a time (two demo nodes, a double deploy): the second one sees the rows.
    await client.query("SELECT pg_advisory_xact_lock(7707)");
    const existing = await rowsOf<{ id: number; utilisateur: string; nom_humain: string; mode: number }>(
      client,
      `SELECT id, utilisateur, nom_humain, equipement_pilote_ou_mesure_mode_id AS mode FROM ${t("equipement_pilote_ou_mesure")} WHERE utilisateur LIKE 'demo:%'`,
    );
    const report: SeedReport = { created: 0, renewed: 0 };
    for (const d of DEMO_HOUSEHOLDS) {
      const found = existing.find((e) => e.utilisateur === d.user && e.nom_humain === d.name);
      if (!found) {
        const { rows } = await client.query<{ id: number }>(
          `INSERT INTO ${t("equipement_pilote_ou_mesure")} (equipement_pilote_ou_mesure_type_id, equipement_pilote_ou_mesure_mode_id, utilisateur, nom_humain, typologie_installation_domotique_id)
           VALUES ($1, 30, $2, $3, 120) RETURNING id`,
          [d.elfeType, d.user, d.name],
        );
        const id = rows[0].id;
        await client.query(
          `INSERT INTO ${t("equipement_domotique")} (equipement_domotique_type_id, equipement_domotique_usage_id, id_materiel, equipement_pilote_ou_mesure_id, utilisateur, sortie)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [d.plug.type, d.plug.usage, d.plug.id, id, d.user, d.plug.output ?? null],
        );
        if (d.machine) {
          const end = nextHour(now, options.zone, d.machine.endHour, 3);
          await client.query(`INSERT INTO ${t("equipement_pilote_machine_generique")} (equipement_pilote_ou_mesure_id, timestamp_de_fin_souhaite, delai_attente_maximale_apres_fin) VALUES ($1, $2, $3)`, [
            id,
            unixSeconds(end),
            d.machine.waitHours * 3600,
          ]);
          await client.query(`INSERT INTO ${t("elfe_learned_cycle")} (equipement_pilote_ou_mesure_id, step_minutes, profile_w) VALUES ($1, 15, $2)`, [id, d.machine.profileW]);
        }
        if (d.tank) {
          const { rows: tank } = await client.query<{ id: number }>(
            `INSERT INTO ${t("equipement_pilote_ballon_ecs")} (equipement_pilote_ou_mesure_id, volume_ballon, puissance_chauffe) VALUES ($1, $2, $3) RETURNING id`,
            [id, d.tank.litres, d.tank.powerW],
          );
          await client.query(`INSERT INTO ${t("equipement_pilote_ballon_ecs_heures_creuses")} (equipement_pilote_ballon_ecs_id, actif, debut, fin) VALUES ($1, true, $2, $3)`, [tank[0].id, ...d.tank.offPeakUtc]);
          await client.query(`INSERT INTO ${t("elfe_device_measure")} (equipement_pilote_ou_mesure_id, ecs_energie_24h_wh, ecs_energie_timestamp) VALUES ($1, $2, $3)`, [id, d.tank.energyWh, unixSeconds(now)]);
        }
        if (d.ev) {
          await client.query(
            `INSERT INTO ${t("equipement_pilote_vehicule_electrique_generique")} (equipement_pilote_ou_mesure_id, pourcentage_charge_restant, pourcentage_charge_finale_minimale_souhaitee, timestamp_dispo_souhaitee, puissance_de_charge, capacite_de_batterie)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [id, d.ev.fromPct, d.ev.toPct, unixSeconds(nextHour(now, options.zone, d.ev.readyHour, 6)), d.ev.powerW, d.ev.capacityWh],
          );
        }
        report.created++;
        continue;
      }
      if (d.machine) {
        // Its deadline passed (it ran and went back to manual, or it never started): the next day's wash.
        const { rowCount } = await client.query(
          `UPDATE ${t("equipement_pilote_machine_generique")} m SET timestamp_de_fin_souhaite = $2
           FROM ${t("equipement_pilote_ou_mesure")} e
           WHERE m.equipement_pilote_ou_mesure_id = $1 AND e.id = $1 AND e.equipement_pilote_ou_mesure_mode_id IN (20, 30)
             AND m.timestamp_de_fin_souhaite <= $3`,
          [found.id, unixSeconds(nextHour(now, options.zone, d.machine.endHour, 3)), unixSeconds(now)],
        );
        if (rowCount) {
          await client.query(`UPDATE ${t("equipement_pilote_ou_mesure")} SET equipement_pilote_ou_mesure_mode_id = 30 WHERE id = $1 AND equipement_pilote_ou_mesure_mode_id = 20`, [found.id]);
          report.renewed++;
        }
      }
      if (d.ev) {
        const { rowCount } = await client.query(
          `UPDATE ${t("equipement_pilote_vehicule_electrique_generique")} SET timestamp_dispo_souhaitee = $2, pourcentage_charge_restant = $3
           WHERE equipement_pilote_ou_mesure_id = $1 AND timestamp_dispo_souhaitee <= $4`,
          [found.id, unixSeconds(nextHour(now, options.zone, d.ev.readyHour, 6)), d.ev.fromPct, unixSeconds(now)],
        );
        if (rowCount) {
          await client.query(`UPDATE ${t("equipement_pilote_ou_mesure")} SET equipement_pilote_ou_mesure_mode_id = 30 WHERE id = $1 AND equipement_pilote_ou_mesure_mode_id = 20`, [found.id]);
          report.renewed++;
        }
      }
    }
    return report;
  });
}
