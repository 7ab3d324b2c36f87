export * from "./dispatcher";
export * from "./slot";
export * from "./plans";
export * from "./overrides";
export * from "./failsafe";
export * from "./confirmation";
export * from "./state";
export * from "./typologies";
