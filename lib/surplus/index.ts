export * from "./config";
export * from "./available";
export * from "./controller";
