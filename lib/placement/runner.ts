// Runs placements in a worker thread so the caller's event loop never blocks: one solve at a
// time; a request that arrives meanwhile is queued, or replaces the one already waiting.
// If the worker dies or stops answering, the greedy placement runs here so there is a plan.
// The idle worker of a closed runner is parked for the next one: a Node-RED redeploy then reuses
// a warmed-up HiGHS instead of starting a thread and compiling the WebAssembly again (and 200
// redeploys do not churn 200 isolates through the allocator).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { placeFlexibility, type PlacementInput, type PlacementResult } from "./index";

export type QueuePolicy = "queue" | "replace";

/** The request was replaced by a newer one before it started. */
export class ReplacedError extends Error {
  constructor() {
    super("replaced by a newer placement request");
    this.name = "ReplacedError";
  }
}

interface Pending {
  input: PlacementInput;
  resolve: (r: PlacementResult) => void;
  reject: (e: Error) => void;
}

export interface RunnerOptions {
  policy?: QueuePolicy;
  /** Extra seconds granted beyond the solve's time limit before the worker is considered stuck. */
  graceS?: number;
}

/** Idle workers of closed runners, waiting for the next runner (at most MAX_PARKED). */
const parked: Worker[] = [];
const MAX_PARKED = 2;

/** The listeners a parked worker carries, removed when a runner takes it. */
const parkListeners = new WeakMap<Worker, { error: () => void; exit: () => void }>();

function park(worker: Worker): boolean {
  if (parked.length >= MAX_PARKED) return false;
  worker.unref();
  // A parked worker that dies is simply forgotten.
  const listeners = {
    error: () => undefined,
    exit: () => {
      const i = parked.indexOf(worker);
      if (i >= 0) parked.splice(i, 1);
    },
  };
  worker.on("error", listeners.error);
  worker.once("exit", listeners.exit);
  parkListeners.set(worker, listeners);
  parked.push(worker);
  return true;
}

function unpark(): Worker | undefined {
  const worker = parked.pop();
  const listeners = worker && parkListeners.get(worker);
  if (worker && listeners) {
    worker.off("error", listeners.error);
    worker.off("exit", listeners.exit);
  }
  return worker;
}

/** Workers currently parked (for tests and diagnostics). */
export function parkedWorkers(): number {
  return parked.length;
}

export class PlacementRunner {
  private worker?: Worker;
  /** This runner's listeners on its worker, removed before the worker is parked. */
  private detach?: () => void;
  private current?: Pending & { id: number; timer: NodeJS.Timeout };
  private waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;
  readonly policy: QueuePolicy;
  private readonly graceS: number;

  constructor(options: RunnerOptions = {}) {
    this.policy = options.policy ?? "replace";
    this.graceS = options.graceS ?? 30;
  }

  /** Starts the worker (and its HiGHS warm-up) ahead of the first request. */
  start(): void {
    this.ensureWorker();
  }

  get busy(): boolean {
    return this.current !== undefined;
  }
  get queued(): number {
    return this.waiting.length;
  }

  solve(input: PlacementInput): Promise<PlacementResult> {
    if (this.closed) return Promise.reject(new Error("placement runner is closed"));
    return new Promise<PlacementResult>((resolve, reject) => {
      const p: Pending = { input, resolve, reject };
      if (this.policy === "replace") for (const old of this.waiting.splice(0)) old.reject(new ReplacedError());
      this.waiting.push(p);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.waiting.splice(0)) p.reject(new Error("placement runner closed"));
    const busy = this.current !== undefined;
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.reject(new Error("placement runner closed"));
      this.current = undefined;
    }
    const w = this.worker;
    this.worker = undefined;
    this.detach?.();
    // A worker still solving would answer a request nobody waits for: that one stops.
    if (w && (busy || !park(w))) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const js = join(__dirname, "worker.js");
    const worker =
      unpark() ?? (existsSync(js) ? new Worker(js) : new Worker(join(__dirname, "worker.ts"), { execArgv: ["--require", "tsx/cjs"] }));
    worker.unref();
    const onMessage = (msg: { id: number; ok: boolean; result?: PlacementResult; error?: string }) => {
      const cur = this.current;
      if (!cur || cur.id !== msg.id) return;
      clearTimeout(cur.timer);
      this.current = undefined;
      if (msg.ok && msg.result) cur.resolve(msg.result);
      else cur.reject(new Error(msg.error ?? "placement failed"));
      this.pump();
      // An idle worker does not keep the process alive.
      if (!this.current) worker.unref();
    };
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      const cur = this.current;
      if (!cur) return;
      clearTimeout(cur.timer);
      this.current = undefined;
      this.fallback(cur, why);
      this.pump();
    };
    const onError = (err: Error) => fail(`placement worker failed: ${err.message}`);
    const onExit = (code: number) => fail(`placement worker exited with code ${code}`);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    this.detach = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    this.worker = worker;
    return worker;
  }

  /** Greedy placement on this thread, said in a warning, when the worker cannot answer. */
  private fallback(p: Pending, why: string): void {
    try {
      const result = placeFlexibility(undefined, p.input);
      result.plan.warnings.push({ code: "WARN_IMPOSSIBLE", message: `${why}: greedy placement used` });
      p.resolve(result);
    } catch (err) {
      p.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const next = this.waiting.shift();
    if (!next) return;
    const id = this.nextId++;
    const worker = this.ensureWorker();
    worker.ref();
    const limitS = (next.input.options?.timeLimitS ?? 10) + this.graceS;
    const timer = setTimeout(() => {
      const cur = this.current;
      if (!cur || cur.id !== id) return;
      this.current = undefined;
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
      this.fallback(cur, `placement worker did not answer within ${limitS} s`);
      this.pump();
    }, limitS * 1000);
    timer.unref();
    this.current = { ...next, id, timer };
    worker.postMessage({ id, input: next.input });
  }
}
