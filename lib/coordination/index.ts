// The coordination database: ELFE's schema, flexibility requests in, plans out.
export * from "./db";
export { migrate, schemaVersion, MIGRATIONS, LATEST_VERSION, type Migration, type MigrationReport } from "./schema";
export * from "./requests";
export * from "./publish";
export * from "./read";
export * from "./devices";
export * from "./device-state";
export * from "./connection";
export * from "./listen";
