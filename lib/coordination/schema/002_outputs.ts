// Migration 2: the EMS's output tables ("sortie_ems") as ELFE's control-command reads them, plus
// what a Plan carries beyond them (our columns and table are prefixed elfe_ and nullable, so an
// ELFE reader that names its columns sees no difference).
import type { Migration } from "./index";

export const DECISION_COLUMNS = Array.from({ length: 96 }, (_, i) => `decisions_${i}`);

export const migration002: Migration = {
  version: 2,
  name: "output tables (result, ems_run_info, p_c_without/with_flexible_consumption, elfe_plan)",
  sql: `
CREATE TABLE IF NOT EXISTS result (
  id serial PRIMARY KEY,
  first_valid_timestamp bigint NOT NULL,
  machine_id integer NOT NULL,
  result_type integer NOT NULL DEFAULT 0,
  machine_type integer NOT NULL,
  ${DECISION_COLUMNS.map((c) => `${c} integer NOT NULL DEFAULT 0`).join(",\n  ")}
);
ALTER TABLE result ADD COLUMN IF NOT EXISTS elfe_kind text;
ALTER TABLE result ADD COLUMN IF NOT EXISTS elfe_energy_wh double precision;
ALTER TABLE result ADD COLUMN IF NOT EXISTS elfe_start text;
CREATE INDEX IF NOT EXISTS result_machine_latest_idx ON result (machine_id, first_valid_timestamp DESC);
CREATE INDEX IF NOT EXISTS result_round_idx ON result (first_valid_timestamp, result_type);

CREATE TABLE IF NOT EXISTS ems_run_info (
  id serial PRIMARY KEY,
  "timestamp" bigint NOT NULL,
  run_time_ms integer,
  consumer_count integer,
  conso_min_hour double precision,
  conso_min_hour_timestamp bigint,
  conso_max_hour double precision,
  conso_max_hour_timestamp bigint
);
ALTER TABLE ems_run_info ADD COLUMN IF NOT EXISTS result_type integer NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS p_c_without_flexible_consumption (data_timestamp bigint PRIMARY KEY, power double precision NOT NULL);
CREATE TABLE IF NOT EXISTS p_c_with_flexible_consumption (data_timestamp bigint PRIMARY KEY, power double precision NOT NULL);

-- One row per published plan (round x method): the key that makes publishing idempotent and
-- serialises concurrent publishers, and the Plan fields ELFE's tables have no column for.
CREATE TABLE IF NOT EXISTS elfe_plan (
  id serial PRIMARY KEY,
  first_valid_timestamp bigint NOT NULL,
  result_type integer NOT NULL,
  first_valid_at text NOT NULL,
  territory text NOT NULL,
  step_minutes integer NOT NULL,
  slot_count integer NOT NULL,
  run_info jsonb NOT NULL,
  warnings jsonb NOT NULL,
  published_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (first_valid_timestamp, result_type)
);
`,
};
