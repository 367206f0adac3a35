import { browser } from 'wxt/browser';
import { type DestinationSpec, originPattern, resolveSampleUrl } from './model';
import { s3DestinationUrl } from './s3-settings';

/**
 * Host permissions for destination origins: optional, asked for in the
 * user's click (saving a destination, choosing a page form, "Allow"), never
 * at install.
 */
export function accessPatternFor(urlTemplate: string): string | undefined {
  const url = resolveSampleUrl(urlTemplate);
  return url instanceof Error ? undefined : originPattern(url.href);
}

export async function hasAccess(...urlTemplates: string[]): Promise<boolean> {
  const patterns = urlTemplates.map(accessPatternFor);
  if (patterns.length === 0 || patterns.some((pattern) => pattern === undefined)) return false;
  return browser.permissions.contains({ origins: patterns as string[] });
}

/** Every origin a destination's uploads reach: its URL, and an S3 signing endpoint. */
export function accessUrls(spec: Pick<DestinationSpec, 'url' | 'transport'>): string[] {
  const { transport } = spec;
  if (transport?.kind !== 's3-multipart') return [spec.url];
  // The bucket's own address, whatever `url` says (a preset fills it before the endpoint is known).
  const bucket = s3DestinationUrl(transport);
  return transport.signing === 'endpoint' ? [bucket, transport.signingUrl] : [bucket];
}

/**
 * Must be called synchronously inside a click handler (before any await):
 * Chrome grants a permission request only during a user gesture.
 */
export function requestAccess(...urlTemplates: string[]): Promise<boolean> {
  const patterns = urlTemplates.map(accessPatternFor);
  if (patterns.length === 0 || patterns.some((pattern) => pattern === undefined)) return Promise.resolve(false);
  return browser.permissions.request({ origins: [...new Set(patterns as string[])] }).catch(() => false);
}

/** "https://img.example" for messages. */
export function originLabel(urlTemplate: string): string {
  return accessPatternFor(urlTemplate)?.replace(/\/\*$/, '') ?? urlTemplate;
}
