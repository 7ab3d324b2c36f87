// A real Node-RED process with this package linked into a fresh user dir and a given flow deployed:
// for tests that need the editor, the HTTP routes or a browser.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

export interface RunningNodeRed {
  url: string;
  /** Everything Node-RED printed so far (stdout and stderr). */
  log(): string;
  /** Its user directory (flows, context, settings). */
  userDir: string;
  /** Stops it (SIGINT: context stores are flushed); `keepUserDir` to start it again on the same one. */
  stop(keepUserDir?: boolean): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Node-RED on a free port with `flows` deployed (and `env` added to its environment,
 * `settings` — JavaScript properties — added to its settings); resolves once it serves.
 * With `again`, the user directory of a stopped one is reused as it was (a restart).
 */
export async function startNodeRed(flows: object[], env: Record<string, string> = {}, settings = "", again?: { userDir: string }): Promise<RunningNodeRed> {
  const userDir = again?.userDir ?? mkdtempSync(join(tmpdir(), "elfe-nr-"));
  if (!again) {
    mkdirSync(join(userDir, "node_modules"));
    symlinkSync(root, join(userDir, "node_modules", "node-red-contrib-elfe"), "dir");
    writeFileSync(join(userDir, "flows.json"), JSON.stringify(flows));
    writeFileSync(join(userDir, "settings.js"), `module.exports = { flowFile: 'flows.json', telemetry: { enabled: false }, editorTheme: { tours: false }, ${settings} };\n`);
  }
  const port = await freePort();
  const red: ChildProcess = spawn(process.execPath, [require.resolve("node-red/red.js"), "--userDir", userDir, "--port", String(port), "--settings", join(userDir, "settings.js")], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let out = "";
  red.stderr!.on("data", (c) => (out += c));
  await new Promise<void>((resolve, reject) => {
    red.stdout!.on("data", (c) => {
      out += c;
      if (out.includes("Started flows")) resolve();
    });
    red.once("exit", (code) => reject(new Error(`Node-RED exited with ${code}: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => out,
    userDir,
    async stop(keepUserDir = false) {
      if (red.exitCode === null) {
        const exited = new Promise((resolve) => red.once("exit", resolve));
        red.kill("SIGINT");
        await exited;
      }
      if (!keepUserDir) rmSync(userDir, { recursive: true, force: true });
    },
  };
}
