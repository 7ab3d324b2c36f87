export * from "./persistence";
export * from "./backtest";
export * from "./synthetic";
export { LocalClock, SeriesIndex, DAY_MS } from "./local-clock";
