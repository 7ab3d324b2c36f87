// The translators by family, so a node or the dispatch can pick one by name.
import { shellyGen1 } from "./shelly-gen1";
import { shellyGen2 } from "./shelly-gen2";
import { shellyHt } from "./shelly-ht";
import { socorel } from "./socorel";
import { switchBot } from "./switchbot";
import { tasmota } from "./tasmota";
import type { Translator, TranslatorOptions } from "./translator";

export const TRANSLATORS = {
  "shelly-gen1": shellyGen1,
  "shelly-gen2": shellyGen2,
  "shelly-ht": shellyHt,
  tasmota,
  switchbot: switchBot,
  socorel,
} satisfies Record<string, (options?: TranslatorOptions) => Translator>;
export type TranslatorFamily = keyof typeof TRANSLATORS;

export * from "./parse";
export * from "./translator";
