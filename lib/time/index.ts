export * from "./grid";
export * from "./resample";
export * from "./align";
export * from "./offsets";
export * from "./resample-columns";
