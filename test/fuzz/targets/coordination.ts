// Coordination rows mapped to types without the database: deviceOf (a joined device row → binding
// and MQTT topics) and kindOfType. Typed errors: RangeError (a row naming its device) and ValidationError.
import { deviceOf, kindOfType, type BindingRow } from "../../../lib/coordination";
import { ValidationError } from "../../../lib/types";
import { typedError, type FuzzTarget } from "../harness";

const row = (over: Partial<BindingRow>): BindingRow => ({
  epom_id: 12, name: "Lave-linge", type: 111, mode: 30, typology: 1, domotic_type: 111, usage: 11, id_materiel: "shellyplug-s-A8BC25", sortie: null, root: null,
  family: "shelly-gen1", root_template: "shellies/{id}", command_template: "shellies/{id}/relay/0/command", state_template: "shellies/{id}/relay/0", ...over,
});

const TEXT = ["id_materiel", "family", "root_template"] as const;
const TEXT_NULL = ["name", "root", "command_template", "state_template"] as const;
const INT = ["epom_id", "type", "mode", "domotic_type"] as const;
const INT_NULL = ["typology", "usage", "sortie"] as const;

function driverRow(v: Record<string, unknown>): BindingRow {
  const text = (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x) ?? "");
  const int = (x: unknown) => (Number.isSafeInteger(x) ? (x as number) : 0);
  const row: Record<string, unknown> = {};
  for (const c of TEXT) row[c] = text(v[c]);
  for (const c of TEXT_NULL) row[c] = v[c] === null || v[c] === undefined ? null : text(v[c]);
  for (const c of INT) row[c] = int(v[c]);
  for (const c of INT_NULL) row[c] = v[c] === null || v[c] === undefined ? null : int(v[c]);
  return row as unknown as BindingRow;
}

export const coordinationTargets: FuzzTarget[] = [
  {
    name: "coordination: deviceOf (device rows)",
    samples: [
      row({}),
      row({ epom_id: 13, family: "socorel", id_materiel: "SN123", sortie: 3, root_template: "Socorel/{id}", command_template: "Socorel/{id}/sortie{sortie}", state_template: "Socorel/{id}/EtatSortie{sortie}", typology: null }),
      row({ epom_id: 14, family: "tasmota", id_materiel: "nous-a1t-1", root: "elfe/site-a", root_template: "{id}", command_template: "cmnd/{id}/POWER", state_template: null, usage: null }),
    ],
    // Rows come from the driver: an object whose columns have their SQL types (text, integer,
    // nullable or not). Mutated values are brought back to those types, as pg would return them.
    inputs: "object",
    run: (input) => deviceOf(driverRow(input as Record<string, unknown>)),
    typed: typedError(RangeError, ValidationError),
  },
  {
    name: "coordination: kindOfType",
    samples: [111, 131, 221, 151, 155, 1],
    inputs: "any",
    run: (input) => kindOfType(input as number),
    typed: typedError(RangeError),
  },
];
