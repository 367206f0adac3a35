import { useEffect, useState } from 'preact/hooks';
import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';

/**
 * How much the extension's storage (mostly queued images) takes; re-read when
 * `revision` changes. A string or number, compared by value: an object made
 * anew each render would re-read storage on every render.
 */
export function StorageUse({ revision }: { revision: string | number }) {
  const [usage, setUsage] = useState<number | undefined>();
  useEffect(() => {
    void navigator.storage.estimate().then((estimate) => setUsage(estimate.usage));
  }, [revision]);
  if (usage === undefined) return null;
  return (
    <span class="muted storage-use" data-testid="storage-use">
      {t('storageUsed', formatBytes(usage))}
    </span>
  );
}
