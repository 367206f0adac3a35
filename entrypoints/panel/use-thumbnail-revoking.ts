import { useEffect, useRef } from 'preact/hooks';
import type { PanelRow } from '@/utils/queue-view/panel-rows';

/**
 * Frees the thumbnails' object URLs (each holds a compressed image in
 * memory) once their rows are gone: cleared, removed by the background, or
 * the panel closed.
 */
export function useThumbnailRevoking(rows: readonly PanelRow[]): void {
  const live = useRef(new Set<string>());
  useEffect(() => {
    const current = new Set<string>();
    for (const row of rows) if (row.thumbnailUrl) current.add(row.thumbnailUrl);
    for (const url of live.current) if (!current.has(url)) URL.revokeObjectURL(url);
    live.current = current;
  }, [rows]);
  useEffect(
    () => () => {
      for (const url of live.current) URL.revokeObjectURL(url);
    },
    [],
  );
}
