// A cloudy day of one load on the PV surplus, decisions every 10 s: switches, set-point changes,
// PV share of the load's energy, PV still exported, largest import caused by the load; the
// controller's defaults against a naive follower (no delays, no dead band, no minimum times).
// Run: npx tsx bench/surplus-day.ts
import { surplusConfig, type SurplusConfig } from "../lib/surplus";
import { simulateSurplusDay } from "../lib/sim/surplus-day";

const naive = (c: SurplusConfig) =>
  surplusConfig({ ...c, deadbandW: 0, adjustEveryMs: 0, startDelayMs: 0, stopDelayMs: 0, minOnMs: 0, minOffMs: 0, stopW: c.minW });
const heater = surplusConfig({ kind: "relay", minW: 2000 });
const ev = surplusConfig({ kind: "modulated", minW: 1380, maxW: 3680, stepW: 230 });
const cases: [string, SurplusConfig, number][] = [
  ["water heater 2 kW relay", heater, 4500],
  ["  naive", naive(heater), 4500],
  ["EV 6–16 A, 1 phase", ev, 5000],
  ["  naive", naive(ev), 5000],
  ["  import ≤ 200 W", surplusConfig({ ...ev, importLimitW: 200 }), 5000],
  ["EV 6–16 A, 3 phases", surplusConfig({ kind: "modulated", minW: 4140, maxW: 11040, stepW: 690 }), 9000],
];
const rows = cases.map(([name, config, peak]) => {
  const r = simulateSurplusDay(config, peak, 33);
  return [
    name,
    `${peak}`,
    `${r.toggles}`,
    `${r.changes}`,
    r.loadWh.toFixed(0),
    `${((100 * r.pvToLoadWh) / Math.max(1, r.loadWh)).toFixed(0)} %`,
    r.exportedWh.toFixed(0),
    r.maxImportByLoadW.toFixed(0),
  ];
});
const head = ["load", "PV peak W", "switches", "changes", "load Wh", "PV share", "export Wh", "max import W"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
process.stdout.write(`${fmt(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(fmt).join("\n")}\n`);
