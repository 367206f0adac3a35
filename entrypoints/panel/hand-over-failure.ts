import { refusalOf } from '@/utils/hand-over';
import { t } from '@/utils/i18n';

/**
 * What a row says when its hand-over failed: the background's refusal in
 * words a person can act on, or that it never answered. Never Chrome's own
 * text about message channels.
 */
export function describeHandOverFailure(error: unknown): string {
  const refusal = refusalOf(error);
  if (!refusal) return t('handOverNoAnswer');
  switch (refusal.reason) {
    case 'storage-full':
      return t('handOverStorageFull');
    case 'destination':
      // resolveDestination's own sentence: which destination and what to do about it.
      return t('errorHandOver', refusal.detail);
    case 'gone':
      return t('handOverGone');
    case 'refused':
      return t('handOverRefused');
  }
}
