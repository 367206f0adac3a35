import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * User Timing for the list: `started(name)` in a message handler, and once
 * the rows it changed are committed to the DOM a `performance.measure` of
 * that name spans handler to commit (Preact's diff and the DOM writes; not
 * the browser's later style, layout and paint). Visible in DevTools'
 * Performance panel; scripts/bench-list.ts and tests/e2e/panel-list.test.ts
 * read the entries. Costs two `performance.now()` calls per change.
 */
export function useListTiming(rows: unknown): { started(name: string): void } {
  const pending = useRef<{ name: string; start: number } | undefined>(undefined);
  const api = useRef({
    started(name: string) {
      // The first of several changes batched into one render is the one that waited longest.
      pending.current ??= { name, start: performance.now() };
    },
  });
  useLayoutEffect(() => {
    const measuring = pending.current;
    if (!measuring) return;
    pending.current = undefined;
    performance.measure(measuring.name, { start: measuring.start, end: performance.now() });
  }, [rows]);
  return api.current;
}
