export * from "./client";
export * from "./devices";
