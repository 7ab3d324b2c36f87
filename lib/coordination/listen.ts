// Keeps a plan listener subscribed through database outages. A database that cannot be reached,
// or a LISTEN connection that breaks (server restart, connection killed), is tried again after a
// back-off doubling from 1 s to 1 min; once subscribed again after a failure, the listener is
// called once with no notice, so that a plan committed meanwhile is read, not missed.
import type { Coordination } from "./connection";
import type { PlanNotice } from "./publish";

export interface ListenOptions {
  /** Told of every failed attempt and broken connection; `attempt` is 1 for the first of an outage. */
  onError?: (err: Error, attempt: number) => void;
  /** Told each time the subscription is in place. */
  onListening?: () => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Subscribes now and after every failure until the returned function is called. */
export function keepListening(open: () => Promise<Coordination>, listener: (notice: PlanNotice | null) => void, options: ListenOptions = {}): () => Promise<void> {
  const minDelay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  let stopped = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  const failed = (err: unknown) => {
    if (stopped) return;
    failures++;
    options.onError?.(err instanceof Error ? err : new Error(String(err)), failures);
    const delay = Math.min(maxDelay, minDelay * 2 ** (failures - 1));
    if (timer) clearTimeout(timer);
    timer = setTimeout(subscribe, delay);
  };

  const subscribe = async () => {
    timer = undefined;
    try {
      const coordination = await open();
      let gone = false;
      const lost = (err: Error) => {
        if (gone) return; // one renewal per subscription, however often its connection complains
        gone = true;
        unsubscribe = undefined;
        failed(err);
      };
      const stop = await coordination.onPlan((notice) => listener(notice), lost);
      if (stopped || gone) return void (await stop()); // stopped meanwhile, or already broken (a retry is set)
      unsubscribe = stop;
      options.onListening?.();
      if (failures > 0) {
        failures = 0;
        listener(null);
      }
    } catch (err) {
      failed(err);
    }
  };

  void subscribe();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const stop = unsubscribe;
    unsubscribe = undefined;
    await stop?.();
  };
}
