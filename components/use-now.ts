import { useEffect, useState } from 'preact/hooks';

/** The current time, refreshed four times a second while `ticking`: for countdowns. */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [ticking]);
  return now;
}
