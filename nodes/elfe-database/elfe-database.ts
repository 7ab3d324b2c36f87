// Config node: the coordination database, an external PostgreSQL (one pg.Pool per config node)
// or an embedded PGlite kept in the Node-RED user directory. Closed on redeploy. Migrations run
// only when "create/upgrade schema" is ticked.
import { join } from "node:path";
import { homedir } from "node:os";
import type { Node, NodeAPI, NodeCredentials, NodeDef } from "node-red";
import { openCoordination, type Coordination } from "../../lib/coordination/connection";
import type { DatabaseConfigNode } from "../node-helpers";

interface DatabaseDef extends NodeDef {
  mode: "postgres" | "embedded";
  host: string;
  port: string | number;
  database: string;
  user: string;
  schema: string;
  tls: boolean;
  rejectUnauthorized: boolean;
  folder: string;
  embeddedPort: string | number;
  migrate: boolean;
}

interface DatabaseCredentials {
  password?: string;
}

export const FOLDER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export default function register(RED: NodeAPI): void {
  function ElfeDatabase(this: Node<DatabaseCredentials>, config: DatabaseDef) {
    RED.nodes.createNode(this, config);
    const credentials: DatabaseCredentials = this.credentials ?? {};
    const node = this as unknown as DatabaseConfigNode;
    const embedded = config.mode === "embedded";
    let opened: Promise<Coordination>;
    const folder = (config.folder || "elfe-coordination").trim();
    const userDir = (RED.settings as unknown as { userDir?: string }).userDir || join(homedir(), ".node-red");
    const open = (): Promise<Coordination> => {
      if (embedded && !FOLDER_PATTERN.test(folder)) return Promise.reject(new Error(RED._("elfe-database.errors.folder", { folder })));
      return openCoordination({
        mode: embedded ? "embedded" : "postgres",
        host: config.host,
        port: Number(config.port) || 5432,
        database: config.database,
        user: config.user,
        password: credentials.password,
        tls: !!config.tls,
        rejectUnauthorized: config.rejectUnauthorized !== false,
        schema: config.schema,
        dataDir: join(userDir, "elfe-db", folder),
        embeddedPort: Number(config.embeddedPort) || 0,
        migrate: !!config.migrate,
      });
    };
    // A database unreachable at deploy (or later at its first use) is tried again by the next
    // node that needs it, after a back-off doubling from 1 s to 1 min: no redeploy needed.
    let failedAt: number | undefined;
    let failures = 0;
    const backoffMs = () => Math.min(1000 * 2 ** Math.max(0, failures - 1), 60_000);
    const attempt = () => {
      opened = open();
      opened.then(
        (c) => {
          failures = 0;
          node.log(RED._("elfe-database.log.open", { what: c.description }));
          if (c.migration && c.migration.applied.length > 0) {
            node.log(RED._("elfe-database.log.migrated", { versions: c.migration.applied.join(", "), schema: c.migration.schema ?? "search_path" }));
          }
        },
        (err: unknown) => {
          failures++;
          failedAt = Date.now();
          node.error(RED._("elfe-database.errors.open", { error: err instanceof Error ? err.message : String(err) }));
        },
      );
    };
    attempt();
    node.coordination = () => {
      if (failedAt !== undefined && Date.now() - failedAt >= backoffMs()) {
        failedAt = undefined; // this attempt is under way
        attempt();
      }
      return opened;
    };

    node.on("close", (_removed: boolean, done: () => void) => {
      opened.then(
        (c) => c.close(),
        () => undefined,
      ).then(
        () => done(),
        (err: unknown) => {
          node.error(err instanceof Error ? err : new Error(String(err)));
          done();
        },
      );
    });
  }
  const credentials: NodeCredentials<DatabaseCredentials> = { password: { type: "password" } };
  RED.nodes.registerType("elfe-database", ElfeDatabase, { credentials });
}
