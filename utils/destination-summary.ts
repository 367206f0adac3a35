import type { TransparentAs } from './compress/presets';
import type { Destination } from './destinations/model';
import { destinationsSetting } from './settings';

/**
 * A saved destination as the panel and the popup see it: enough to name it,
 * check access to its origin and pick its preset, and nothing secret (no
 * header, no body field, no query string, no user name or password in the
 * URL). Those pages read destinations only through this file.
 */
export interface DestinationSummary {
  id: string;
  name: string;
  /** The URL template up to its path: what permission checks need. */
  accessUrl: string;
  compressionPresetId: string | null;
  transparentAs: TransparentAs;
}

export function summarizeDestination(destination: Destination): DestinationSummary {
  const accessUrl = destination.url.replace(/[?#].*$/s, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  const { id, name, compressionPresetId, transparentAs } = destination;
  return { id, name, accessUrl, compressionPresetId, transparentAs };
}

export async function readDestinationSummaries(): Promise<DestinationSummary[]> {
  return (await destinationsSetting.getValue()).map(summarizeDestination);
}

/** Calls `onChange` with the summaries whenever the saved destinations change; returns the remover. */
export function watchDestinationSummaries(onChange: (summaries: DestinationSummary[]) => void): () => void {
  return destinationsSetting.watch((saved) => onChange(saved.map(summarizeDestination)));
}
