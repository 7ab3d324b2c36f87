// Writes back what the dispatch did to a device into the fields ELFE's other tools read (the
// screens, the EMS's request rules): mode (30 → 20 after a confirmed start), command and control
// state ids, ems_consigne_marche, the last start time. ELFE's guards are kept: a device whose
// control state is errcom (60) is never written, and the mode only changes from 20, 30 or 70 —
// a device an operator put in another mode (10 "not piloted") stays there.
import type { DispatchEvent } from "../types";
import { inTransaction, tableOf, unixSeconds, type CoordinationDb } from "./db";
import * as clock from "../time/clock";

export interface DeviceStateReport {
  /** Rows changed (one per event that changed something). */
  updated: number;
  /** Device ids that are not ELFE ids (whole numbers): nothing to write for them. */
  skipped: string[];
}

const ERRCOM = 60;
const WRITABLE_MODES = [20, 30, 70];

/** The events that carry coordination fields for an ELFE device, in the order they happened. */
export async function writeDeviceStates(db: CoordinationDb, events: DispatchEvent[], now = clock.now()): Promise<DeviceStateReport> {
  const report: DeviceStateReport = { updated: 0, skipped: [] };
  const writes = events.filter((e) => e.deviceId !== undefined && e.coordination && Object.keys(e.coordination).length > 0);
  const ours = writes.filter((e) => {
    const ok = /^\d{1,9}$/.test(e.deviceId!);
    if (!ok && !report.skipped.includes(e.deviceId!)) report.skipped.push(e.deviceId!);
    return ok;
  });
  if (ours.length === 0) return report;
  const table = tableOf(db, "equipement_pilote_ou_mesure");
  await inTransaction(db, async (client) => {
    for (const e of ours) {
      const c = e.coordination!;
      const sets: string[] = [];
      const params: unknown[] = [Number(e.deviceId)];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (c.commandState !== undefined) set("etat_commande_id", c.commandState);
      if (c.controlState !== undefined) set("etat_controle_id", c.controlState);
      if (c.running !== undefined) set("ems_consigne_marche", c.running);
      if (c.lastStartAt !== undefined) set("timestamp_derniere_mise_en_marche", unixSeconds(Date.parse(c.lastStartAt)));
      const guard = `id = $1 AND COALESCE(etat_controle_id, 0) <> ${ERRCOM}`;
      if (sets.length) {
        const r = await client.query(`UPDATE ${table} SET ${sets.join(", ")} WHERE ${guard}`, params);
        report.updated += r.rowCount ?? 0;
      }
      if (c.mode !== undefined) {
        const r = await client.query(
          `UPDATE ${table} SET equipement_pilote_ou_mesure_mode_id = $2, timestamp_derniere_programmation = $3
           WHERE ${guard} AND equipement_pilote_ou_mesure_mode_id = ANY($4::int[]) AND equipement_pilote_ou_mesure_mode_id <> $2`,
          [Number(e.deviceId), c.mode, unixSeconds(now), WRITABLE_MODES],
        );
        report.updated += r.rowCount ?? 0;
      }
    }
  });
  return report;
}
