import { storage } from 'wxt/utils/storage';
import type { PhotosAs, TransparentAs } from './compress/presets';
import type { Destination } from './destinations/model';

/**
 * A saved destination as the panel and the popup see it: enough to name it,
 * check access to its origin and pick its preset, and nothing secret (no
 * header, no body field, no query string, no user name or password in the
 * URL). Those pages read destinations only through this file, which reads
 * only the summaries the background derives from the saved destinations
 * (entrypoints/background/destinations.ts): no secret is ever in their memory.
 */
export interface DestinationSummary {
  id: string;
  name: string;
  /** The URL template up to its path: what permission checks need. */
  accessUrl: string;
  compressionPresetId: string | null;
  transparentAs: TransparentAs;
  photosAs: PhotosAs;
}

/** The URL template without its query, fragment or user info; a `?` inside a `{template}` is not a query. */
function accessUrlOf(urlTemplate: string): string {
  let depth = 0;
  let end = urlTemplate.length;
  for (let index = 0; index < urlTemplate.length; index += 1) {
    const char = urlTemplate[index];
    if (char === '{') depth += 1;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === '?' || char === '#')) {
      end = index;
      break;
    }
  }
  return urlTemplate.slice(0, end).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export function summarizeDestination(destination: Destination): DestinationSummary {
  const accessUrl = accessUrlOf(destination.url);
  const { id, name, compressionPresetId, transparentAs, photosAs = 'jpeg' } = destination;
  return { id, name, accessUrl, compressionPresetId, transparentAs, photosAs };
}

/**
 * The saved destinations' summaries, kept by the background whenever the
 * destinations change: derived, never edited; what the panel and popup read.
 * @default []
 */
export const destinationSummariesSetting = storage.defineItem<DestinationSummary[]>('local:destinationSummaries', {
  fallback: [],
});

export function readDestinationSummaries(): Promise<DestinationSummary[]> {
  return destinationSummariesSetting.getValue();
}

/** Calls `onChange` with the summaries whenever the saved destinations change; returns the remover. */
export function watchDestinationSummaries(onChange: (summaries: DestinationSummary[]) => void): () => void {
  return destinationSummariesSetting.watch(onChange);
}
