// Runs placements in a worker thread so the caller's event loop never blocks: one solve at a
// time; a request that arrives meanwhile is queued, or replaces the one already waiting.
// If the worker dies or stops answering, the greedy placement runs here so there is a plan.
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

export class PlacementRunner {
  private worker?: Worker;
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
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.reject(new Error("placement runner closed"));
      this.current = undefined;
    }
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const js = join(__dirname, "worker.js");
    const worker = existsSync(js) ? new Worker(js) : new Worker(join(__dirname, "worker.ts"), { execArgv: ["--require", "tsx/cjs"] });
    worker.unref();
    worker.on("message", (msg: { id: number; ok: boolean; result?: PlacementResult; error?: string }) => {
      const cur = this.current;
      if (!cur || cur.id !== msg.id) return;
      clearTimeout(cur.timer);
      this.current = undefined;
      if (msg.ok && msg.result) cur.resolve(msg.result);
      else cur.reject(new Error(msg.error ?? "placement failed"));
      this.pump();
      // An idle worker does not keep the process alive.
      if (!this.current) worker.unref();
    });
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      const cur = this.current;
      if (!cur) return;
      clearTimeout(cur.timer);
      this.current = undefined;
      this.fallback(cur, why);
      this.pump();
    };
    worker.on("error", (err) => fail(`placement worker failed: ${err.message}`));
    worker.on("exit", (code) => fail(`placement worker exited with code ${code}`));
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
