export * from "./cycles";
export * from "./ecs";
export * from "./temperatures";
export * from "./samples";
