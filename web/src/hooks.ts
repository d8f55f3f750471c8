import type { ThreadStore, ThreadView } from 'choir/client';
import { useEffect, useState, useSyncExternalStore } from 'react';

/** Renders from the store's immutable views: one render per burst of events. */
export function useThreadView(store: ThreadStore): ThreadView {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Calls `load` now and every `ms`, keeping the last answer and the last error. */
export function usePoll<T>(load: () => Promise<T>, ms: number): { value: T | null; error: Error | null } {
  const [state, setState] = useState<{ value: T | null; error: Error | null }>({ value: null, error: null });
  useEffect(() => {
    let live = true;
    const tick = () =>
      load().then(
        (value) => live && setState({ value, error: null }),
        (error: Error) => live && setState((s) => ({ value: s.value, error })),
      );
    void tick();
    const timer = setInterval(tick, ms);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [load, ms]);
  return state;
}

/** The current time, refreshed every `ms` (for states that change with time alone: a spec's expiry). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
