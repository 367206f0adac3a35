import { useState } from 'preact/hooks';
import { t } from '@/utils/i18n';
import { sendMessage } from '@/utils/messages';
import { StorageUse } from './StorageUse';

/** The options' storage line: how much the queue's images take, and "Clear finished" (done, failed, cancelled). */
export function StorageSection() {
  const [revision, setRevision] = useState(0);
  return (
    <div class="footer-row">
      <StorageUse revision={revision} />
      <button
        type="button"
        data-testid="options-clear-finished"
        onClick={() => void sendMessage('queue/clear-finished', undefined).then(() => setRevision((n) => n + 1))}
      >
        {t('clearFinished')}
      </button>
    </div>
  );
}
