// Migration 3: home-automation devices (plugs, relays, fingers, screens, controllers), a separate
// id space from the piloted equipment (ELFE's annex "topics et ordres MQTT"). Each type names its
// plug family (the translator node that speaks to it) and its MQTT topics as templates where
// {id} is the device's `id_materiel` and {sortie} its output number (Socorel: 1 to 8).
// `equipement_domotique.equipement_pilote_ou_mesure_id` says which piloted equipment a device
// switches; ELFE itself pairs them by user and usage, which `devices.ts` also accepts.
import type { Migration } from "./index";

export const migration003: Migration = {
  version: 3,
  name: "home-automation devices (equipement_domotique, types with family and MQTT topics, usages)",
  sql: `
CREATE TABLE IF NOT EXISTS equipement_domotique_type (
  id integer PRIMARY KEY,
  nom text NOT NULL,
  famille text NOT NULL,
  racine_topic_mqtt text NOT NULL,
  topic_mqtt_commande_text text,
  topic_mqtt_controle_json text,
  topic_mqtt_lwt text
);
INSERT INTO equipement_domotique_type (id, nom, famille, racine_topic_mqtt, topic_mqtt_commande_text, topic_mqtt_controle_json, topic_mqtt_lwt) VALUES
  (111, 'shelly_plug_s', 'shelly-gen1', 'shellies/{id}', 'shellies/{id}/relay/0/command', 'shellies/{id}/relay/0', 'shellies/{id}/online'),
  (112, 'nous_a1t', 'tasmota', 'tele/{id}', 'cmnd/{id}/POWER', 'stat/{id}/POWER', 'tele/{id}/LWT'),
  (211, 'tasmota', 'tasmota', 'tele/{id}', 'cmnd/{id}/POWER', 'stat/{id}/POWER', 'tele/{id}/LWT'),
  (311, 'switchbot_bot', 'switchbot', 'switchbot/{id}', 'switchbot/{id}/set', 'switchbot/{id}/status', 'switchbot/{id}/lastwill'),
  (411, 'shelly_plus', 'shelly-gen2', '{id}', '{id}/rpc', '{id}/status/switch:0', '{id}/online'),
  (611, 'shelly_ht', 'shelly-gen1', 'shellies/{id}', NULL, NULL, 'shellies/{id}/online'),
  (711, 'openhasp', 'openhasp', 'hasp/{id}', 'hasp/{id}/command', 'hasp/{id}/state', 'hasp/{id}/LWT'),
  (811, 'socorel', 'socorel', 'Socorel/{id}', 'Socorel/{id}/sortie{sortie}', 'Socorel/{id}/EtatSorties', NULL)
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS equipement_domotique_usage (id integer PRIMARY KEY, nom text NOT NULL);
INSERT INTO equipement_domotique_usage (id, nom) VALUES
  (11, 'mesure_et_commande'), (12, 'commande'), (21, 'mesure'), (31, 'appui_puissance'),
  (32, 'appui_demarrage'), (61, 'ambiance'), (71, 'ihm')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS equipement_domotique (
  id serial PRIMARY KEY,
  equipement_domotique_type_id integer NOT NULL REFERENCES equipement_domotique_type (id),
  equipement_domotique_usage_id integer REFERENCES equipement_domotique_usage (id),
  id_materiel text NOT NULL,
  sortie integer CHECK (sortie IS NULL OR sortie BETWEEN 1 AND 8),
  racine_topic_mqtt text,
  utilisateur text,
  utilisateur_affecte text,
  nom_humain text,
  equipement_pilote_ou_mesure_id integer REFERENCES equipement_pilote_ou_mesure (id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS equipement_domotique_epom_idx ON equipement_domotique (equipement_pilote_ou_mesure_id);
CREATE INDEX IF NOT EXISTS equipement_domotique_user_idx ON equipement_domotique (utilisateur);
`,
};
