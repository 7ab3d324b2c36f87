export * from "./client";
export * from "./api";
export * from "./sender";
export * from "./read";
export * from "./values";
