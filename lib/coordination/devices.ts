// Device registry: which home-automation device (plug, relay, finger, controller output) switches
// a piloted equipment, its plug family and its MQTT topics — what the dispatch needs to send a
// command. The pairing is `equipement_domotique.equipement_pilote_ou_mesure_id` when set, else
// ELFE's own rule: a device of the same `utilisateur` with a switching usage.
import { PLUG_FAMILIES, validateDeviceBinding, type DeviceBinding, type PlugFamily, type PlanWarning } from "../types";
import { unsafeForTopic } from "../devices/parse";
import { rowsOf, tableOf, type CoordinationDb } from "./db";

/** Usages that switch an appliance, best first: measure+switch, switch, press start, press power. */
export const SWITCH_USAGES = [11, 12, 32, 31];

export interface BindingRow {
  epom_id: number;
  name: string | null;
  type: number;
  mode: number;
  typology: number | null;
  domotic_type: number;
  usage: number | null;
  id_materiel: string;
  sortie: number | null;
  root: string | null;
  family: string;
  root_template: string;
  command_template: string | null;
  state_template: string | null;
}

/** A binding plus the topics of its plug, resolved from the type's templates. */
export interface CoordinatedDevice {
  binding: DeviceBinding;
  domoticType: number;
  usage: number | null;
  /** Socorel output (1..8). */
  output: number | null;
  rootTopic: string;
  commandTopic: string | null;
  stateTopic: string | null;
}

function fill(template: string, row: Pick<BindingRow, "id_materiel" | "sortie">): string {
  return template.replaceAll("{id}", row.id_materiel).replaceAll("{sortie}", String(row.sortie ?? ""));
}

/**
 * The plug id the family's translator expects: Socorel outputs are `<serial>/<output>`, SwitchBot
 * bots `<hub>/<bot>` (ELFE stores the bridge's path `<hub>/bot/<bot>`); others are `id_materiel`.
 */
export function plugIdOf(row: Pick<BindingRow, "epom_id" | "family" | "id_materiel" | "sortie">): string {
  if (row.family === "socorel") {
    if (row.sortie === null || !(Number(row.sortie) >= 1 && Number(row.sortie) <= 8)) throw new RangeError(`device ${row.epom_id}: Socorel ${row.id_materiel} needs its output (sortie 1 to 8)`);
    return `${row.id_materiel}/${Number(row.sortie)}`;
  }
  if (row.family === "switchbot") return row.id_materiel.replace(/^([^/]+)\/bot\/([^/]+)$/, "$1/$2");
  return row.id_materiel;
}

/** Maps one joined row to its binding; throws a RangeError naming the device when the row cannot be used. */
export function deviceOf(row: BindingRow): CoordinatedDevice {
  if (!(PLUG_FAMILIES as readonly string[]).includes(row.family)) {
    throw new RangeError(`device ${row.epom_id}: home-automation type ${row.domotic_type} has unknown family ${JSON.stringify(row.family)}`);
  }
  // Both go into MQTT topics: a wildcard or a control character there would address other devices.
  for (const [column, value] of [["id_materiel", row.id_materiel], ["racine_topic_mqtt", row.root]] as const) {
    if (value !== null && unsafeForTopic(value, false)) {
      throw new RangeError(`device ${row.epom_id}: ${column} ${JSON.stringify(value)} holds +, # or a control character, which an MQTT topic cannot carry`);
    }
  }
  const defaultRoot = fill(row.root_template, row);
  const rootTopic = row.root?.trim() || defaultRoot;
  const retarget = (template: string | null) => {
    if (!template) return null;
    // An explicit root topic (racine_topic_mqtt) replaces the type's root in every topic.
    const topic = fill(template, row);
    return topic.startsWith(defaultRoot) ? rootTopic + topic.slice(defaultRoot.length) : topic;
  };
  const binding = validateDeviceBinding.parse({
    deviceId: String(row.epom_id),
    ...(row.name ? { name: row.name } : {}),
    elfeType: Number(row.type),
    mode: Number(row.mode),
    family: row.family as PlugFamily,
    plugId: plugIdOf(row),
    ...(row.typology !== null ? { typology: Number(row.typology) } : {}),
  });
  return {
    binding,
    domoticType: Number(row.domotic_type),
    usage: row.usage === null ? null : Number(row.usage),
    output: row.sortie === null ? null : Number(row.sortie),
    rootTopic,
    commandTopic: retarget(row.command_template),
    stateTopic: retarget(row.state_template),
  };
}

export interface DeviceRegistry {
  devices: CoordinatedDevice[];
  warnings: PlanWarning[];
}

/** The switching device of every equipment (optionally only `ids`); warnings for those (asked for, or piloted) without one. */
export async function readDevices(db: CoordinationDb, ids?: string[]): Promise<DeviceRegistry> {
  const t = (name: string) => tableOf(db, name);
  const wanted = ids ? ids.filter((i) => /^\d{1,9}$/.test(i)).map(Number) : null;
  const rows = await rowsOf<BindingRow & { rank: number }>(
    db.pool,
    `SELECT e.id AS epom_id, e.nom_humain AS name, e.equipement_pilote_ou_mesure_type_id AS type,
            e.equipement_pilote_ou_mesure_mode_id AS mode, e.typologie_installation_domotique_id AS typology,
            d.equipement_domotique_type_id AS domotic_type, d.equipement_domotique_usage_id AS usage, d.id_materiel,
            d.sortie, d.racine_topic_mqtt AS root, ty.famille AS family, ty.racine_topic_mqtt AS root_template,
            ty.topic_mqtt_commande_text AS command_template, ty.topic_mqtt_controle_json AS state_template
     FROM ${t("equipement_pilote_ou_mesure")} e
     JOIN ${t("equipement_domotique")} d
       ON d.equipement_pilote_ou_mesure_id = e.id
       OR (d.equipement_pilote_ou_mesure_id IS NULL AND d.utilisateur IS NOT NULL AND d.utilisateur = e.utilisateur
           AND d.equipement_domotique_usage_id = ANY($2::int[]))
     JOIN ${t("equipement_domotique_type")} ty ON ty.id = d.equipement_domotique_type_id
     WHERE ($1::int[] IS NULL OR e.id = ANY($1::int[]))
     ORDER BY e.id, (d.equipement_pilote_ou_mesure_id IS NULL), array_position($2::int[], d.equipement_domotique_usage_id), d.id DESC`,
    [wanted, SWITCH_USAGES],
  );
  const devices: CoordinatedDevice[] = [];
  const warnings: PlanWarning[] = [];
  const seen = new Set<number>();
  for (const row of rows) {
    if (seen.has(row.epom_id)) continue;
    seen.add(row.epom_id);
    try {
      devices.push(deviceOf(row));
    } catch (err) {
      warnings.push({ code: "WARN_DATABASE", deviceId: String(row.epom_id), message: (err as Error).message });
    }
  }
  // Asked for by id, or piloted (mode 30) when no ids are given: each one without a plug is named.
  const expected =
    wanted ?? (await rowsOf<{ id: number }>(db.pool, `SELECT id FROM ${t("equipement_pilote_ou_mesure")} WHERE equipement_pilote_ou_mesure_mode_id = 30 ORDER BY id`)).map((r) => r.id);
  for (const id of expected) {
    if (!seen.has(id)) warnings.push({ code: "WARN_DATABASE", deviceId: String(id), message: `device ${id}: no home-automation device switches it` });
  }
  return { devices, warnings };
}
