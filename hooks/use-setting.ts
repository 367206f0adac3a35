import { useEffect, useState } from 'preact/hooks';
import type { WxtStorageItem } from 'wxt/utils/storage';

/**
 * One stored setting as component state: `undefined` until the stored value
 * is read, then the value; `save` shows the new value at once and stores it
 * (its promise settles when storage has it). Read once unless `watch`: a form
 * keeps what its user is typing even if another page changes the setting,
 * while a list of saved things follows every change.
 */
export function useSetting<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any item, whatever its metadata
  item: WxtStorageItem<T, any>,
  { watch = false }: { watch?: boolean } = {},
): [T | undefined, (next: T) => Promise<void>] {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    void item.getValue().then(setValue);
    if (!watch) return;
    return item.watch((next) => setValue(() => next));
  }, [item, watch]);
  function save(next: T): Promise<void> {
    setValue(() => next);
    return item.setValue(next);
  }
  return [value, save];
}
