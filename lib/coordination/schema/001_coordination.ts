// Migration 1: ELFE's coordination tables ("BDD Coordination"), with ELFE's names and ids, so
// the nodes run against an existing ELFE database (every statement is IF NOT EXISTS / ON CONFLICT
// DO NOTHING) or create one from nothing. Timestamps are Unix seconds (bigint) as ELFE stores
// them; day offsets (off-peak windows, comfort programmes) are seconds after UTC midnight.
import type { Migration } from "./index";

const programme = (prefix: string) =>
  ["semaine", "weekend"]
    .flatMap((day) =>
      [1, 2].map(
        (p) =>
          `${prefix}prog_${day}_periode_${p}_confort_actif boolean NOT NULL DEFAULT false,
  ${prefix}prog_${day}_periode_${p}_confort_heure_debut integer,
  ${prefix}prog_${day}_periode_${p}_confort_heure_fin integer`,
      ),
    )
    .join(",\n  ");

export const migration001: Migration = {
  version: 1,
  name: "coordination tables (equipement_pilote_ou_mesure and one table per consumer type)",
  sql: `
CREATE TABLE IF NOT EXISTS equipement_pilote_ou_mesure_type (id integer PRIMARY KEY, nom text NOT NULL);
INSERT INTO equipement_pilote_ou_mesure_type (id, nom) VALUES
  (1, 'machine_generique'), (111, 'lave_vaisselle'), (112, 'lave_linge'), (113, 'seche_linge'),
  (131, 'ballon_ecs'), (151, 'chauffage_non_asservi'), (155, 'chauffage_asservi'),
  (221, 'voiture_electrique'), (225, 'velo_electrique'), (410, 'compteur'), (515, 'chariot_elevateur'),
  (901, 'production_generique'), (910, 'production_solaire'), (920, 'production_eolienne')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS equipement_pilote_ou_mesure_mode (id integer PRIMARY KEY, nom text NOT NULL);
INSERT INTO equipement_pilote_ou_mesure_mode (id, nom) VALUES
  (1, 'non_pilote'), (10, 'installation'), (20, 'manuel'), (30, 'pilote'), (70, 'desactive'), (80, 'supprime')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS etat_controle (id integer PRIMARY KEY, nom text NOT NULL);
INSERT INTO etat_controle (id, nom) VALUES (15, 'on'), (25, 'off'), (60, 'errcom'), (70, 'inconnu')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS etat_commande (id integer PRIMARY KEY, nom text NOT NULL);
INSERT INTO etat_commande (id, nom) VALUES
  (1, 'initial'), (11, 'en_attente'), (12, 'manuel_pilote_on'), (13, 'manuel_on'),
  (21, 'commande_21'), (30, 'commande_30'), (99, 'commande_99')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS typologie_installation_domotique (id integer PRIMARY KEY, nom text NOT NULL);
INSERT INTO typologie_installation_domotique (id, nom) VALUES
  (110, 'deux_relais'), (120, 'prise_ou_relais'), (130, 'prise_et_doigt'), (140, 'relais_et_capteur'),
  (150, 'prise_et_deux_doigts'), (160, 'double_appui'), (170, 'prise_realimentation_et_doigt'),
  (180, 'relais_et_compteur'), (190, 'prise_inverse'), (200, 'tic')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS equipement_pilote_ou_mesure (
  id serial PRIMARY KEY,
  equipement_pilote_ou_mesure_type_id integer NOT NULL REFERENCES equipement_pilote_ou_mesure_type (id),
  equipement_pilote_ou_mesure_mode_id integer NOT NULL DEFAULT 10 REFERENCES equipement_pilote_ou_mesure_mode (id),
  etat_controle_id integer DEFAULT 70 REFERENCES etat_controle (id),
  etat_commande_id integer DEFAULT 1 REFERENCES etat_commande (id),
  ems_consigne_marche boolean NOT NULL DEFAULT false,
  timestamp_derniere_mise_en_marche bigint,
  timestamp_derniere_programmation bigint,
  utilisateur text,
  nom_humain text,
  typologie_installation_domotique_id integer REFERENCES typologie_installation_domotique (id),
  equipement_pilote_specifique_id integer
);
CREATE INDEX IF NOT EXISTS equipement_pilote_ou_mesure_mode_idx ON equipement_pilote_ou_mesure (equipement_pilote_ou_mesure_mode_id);

CREATE TABLE IF NOT EXISTS equipement_pilote_machine_generique (
  id serial PRIMARY KEY,
  equipement_pilote_ou_mesure_id integer NOT NULL UNIQUE REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  timestamp_de_fin_souhaite bigint,
  delai_attente_maximale_apres_fin integer,
  mesures_puissance_elec_id text
);

CREATE TABLE IF NOT EXISTS equipement_pilote_ballon_ecs (
  id serial PRIMARY KEY,
  equipement_pilote_ou_mesure_id integer NOT NULL UNIQUE REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  volume_ballon double precision,
  puissance_chauffe double precision,
  mesures_puissance_elec_id text
);

CREATE TABLE IF NOT EXISTS equipement_pilote_ballon_ecs_heures_creuses (
  id serial PRIMARY KEY,
  equipement_pilote_ballon_ecs_id integer NOT NULL REFERENCES equipement_pilote_ballon_ecs (id) ON DELETE CASCADE,
  actif boolean NOT NULL DEFAULT true,
  debut integer NOT NULL,
  fin integer NOT NULL
);

CREATE TABLE IF NOT EXISTS equipement_pilote_vehicule_electrique_generique (
  id serial PRIMARY KEY,
  equipement_pilote_ou_mesure_id integer NOT NULL UNIQUE REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  pourcentage_charge_restant double precision,
  pourcentage_charge_finale_minimale_souhaitee double precision,
  timestamp_dispo_souhaitee bigint,
  puissance_de_charge double precision,
  capacite_de_batterie double precision,
  duree_de_charge_estimee integer
);

CREATE TABLE IF NOT EXISTS equipement_pilote_chauffage_non_asservi (
  id serial PRIMARY KEY,
  equipement_pilote_ou_mesure_id integer NOT NULL UNIQUE REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  ${programme("")},
  puissance_moyenne_eco double precision,
  puissance_moyenne_confort double precision,
  pourcentage_eco_force double precision
);

CREATE TABLE IF NOT EXISTS equipement_pilote_chauffage_asservi (
  id serial PRIMARY KEY,
  equipement_pilote_ou_mesure_id integer NOT NULL UNIQUE REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  ${programme("")},
  temperature_eco integer,
  temperature_confort integer,
  delta_temp_maximale_temp_demandee integer,
  puissance double precision,
  modele_thermique_id integer,
  mesure_temperature_id text
);

-- What ELFE keeps in the EMS's internal database, kept here next to the devices (our tables, elfe_ prefix):
-- the learned cycle of a machine, the hot-water tank's energy over the last 24 h, a heater's last temperature.
CREATE TABLE IF NOT EXISTS elfe_learned_cycle (
  equipement_pilote_ou_mesure_id integer PRIMARY KEY REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  step_minutes integer NOT NULL DEFAULT 15,
  profile_w double precision[] NOT NULL,
  learned_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS elfe_device_measure (
  equipement_pilote_ou_mesure_id integer PRIMARY KEY REFERENCES equipement_pilote_ou_mesure (id) ON DELETE CASCADE,
  ecs_energie_24h_wh double precision,
  ecs_energie_timestamp bigint,
  temperature_c double precision,
  temperature_timestamp bigint
);
`,
};
