// Backtest of the persistence forecast methods on a year of synthetic territory balance
// (daily, weekly and seasonal patterns, DST, day-to-day weather): day-ahead forecasts made at
// local midnight and at 14:00, scored against what happened. Run: npm run bench:forecast-accuracy
import { backtest, syntheticTerritory, type BacktestOptions } from "../lib/forecast";

const zone = "Europe/Paris";
const warmupDays = 28;
const { balance, irradiance, pvFactor } = syntheticTerritory({ zone, start: "2025-12-04T00:00:00+01:00", days: 365 + warmupDays, seed: 42 });
const grid = { zone, stepMinutes: 15 };
const pv = { series: irradiance, factor: pvFactor };

const methods: [string, BacktestOptions][] = [
  ["elfe (yesterday, blended)", { method: "elfe" }],
  ["week-ago", { method: "week-ago" }],
  ["mean of 3 days", { method: "mean", days: 3 }],
  ["mean of 7 days", { method: "mean", days: 7 }],
  ["median of 7 days", { method: "median", days: 7 }],
  ["median of 14 days", { method: "median", days: 14 }],
  ["elfe + PV correction", { method: "elfe", pv }],
  ["mean of 7 days + PV correction", { method: "mean", days: 7, pv }],
];

const kw = (w: number) => (w / 1000).toFixed(2).padStart(8);
const kwh = (wh: number) => (wh / 1000).toFixed(1).padStart(10);
for (const originTime of ["00:00", "14:00"]) {
  console.log(`\nDay-ahead forecasts made at ${originTime} (${zone}), 365 days scored after ${warmupDays} days of warm-up, 15-min slots`);
  console.log(`${"method".padEnd(32)} ${"MAE kW".padStart(8)} ${"RMSE kW".padStart(8)} ${"|ΔE| kWh/d".padStart(10)} ${"bias kWh/d".padStart(10)} ${"days".padStart(5)} ${"ms".padStart(6)}`);
  for (const [label, options] of methods) {
    const t0 = performance.now();
    const r = backtest(balance, grid, { ...options, warmupDays, originTime });
    const ms = performance.now() - t0;
    console.log(`${label.padEnd(32)} ${kw(r.maeW)} ${kw(r.rmseW)} ${kwh(r.meanAbsEnergyErrorWh)} ${kwh(r.biasWh)} ${String(r.days.length).padStart(5)} ${ms.toFixed(0).padStart(6)}`);
  }
}
console.log("\nMAE/RMSE over every slot; |ΔE|: mean absolute daily energy error; bias: mean signed daily error (forecast − actual).");
console.log("The PV correction is fed the synthetic irradiance itself (a perfect weather forecast): read it as an upper bound.");
