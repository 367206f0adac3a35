import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';
import type { QueueItem } from '@/utils/queue/types';

/**
 * The bytes the server has of an upload in flight, as its transport reports
 * them (a resumable upload: per chunk). Nothing for a whole-file request:
 * fetch gives no upload progress, and a bar that only jumps to 100% would
 * pretend (docs/resumable-uploads.md).
 */
export function UploadProgress({ item }: { item: Pick<QueueItem, 'status' | 'bytesSent' | 'size'> }) {
  if (item.status !== 'uploading' || item.bytesSent === undefined) return null;
  const text = t('uploadProgress', formatBytes(item.bytesSent), formatBytes(item.size));
  return (
    <progress
      class="item-progress"
      data-testid="upload-progress"
      data-bytes-sent={item.bytesSent}
      max={Math.max(1, item.size)}
      value={item.bytesSent}
      aria-label={text}
      title={text}
    />
  );
}
