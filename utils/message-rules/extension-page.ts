import * as v from 'valibot';
import { list, noData, type ReceiverRules, shortText } from './common';
import { queueItem, queuePlan } from './queue-state';

/** Queue state flows only from the background to the extension's pages (panel, popup, options). */
const fromBackgroundToPages = { 'extension-page': ['background'] } as const;

export const EXTENSION_PAGE_RULES = {
  'queue/item-changed': { accept: fromBackgroundToPages, data: v.strictObject({ item: queueItem, plan: queuePlan }) },
  'queue/items-removed': { accept: fromBackgroundToPages, data: list(shortText) },
  'queue/plan-changed': { accept: fromBackgroundToPages, data: queuePlan },
  'queue/resync': { accept: fromBackgroundToPages, data: noData },
  'page-images/ready': { accept: fromBackgroundToPages, data: noData },
} as const satisfies ReceiverRules;
