import { browser } from 'wxt/browser';
import { originPattern, resolveSampleUrl } from './model';

/**
 * Host permissions for destination origins: optional, asked for in the
 * user's click (saving a destination, choosing a page form, "Allow"), never
 * at install.
 */
export function accessPatternFor(urlTemplate: string): string | undefined {
  const url = resolveSampleUrl(urlTemplate);
  return url instanceof Error ? undefined : originPattern(url.href);
}

export async function hasAccess(urlTemplate: string): Promise<boolean> {
  const pattern = accessPatternFor(urlTemplate);
  return pattern !== undefined && browser.permissions.contains({ origins: [pattern] });
}

/**
 * Must be called synchronously inside a click handler (before any await):
 * Chrome grants a permission request only during a user gesture.
 */
export function requestAccess(urlTemplate: string): Promise<boolean> {
  const pattern = accessPatternFor(urlTemplate);
  if (pattern === undefined) return Promise.resolve(false);
  return browser.permissions.request({ origins: [pattern] }).catch(() => false);
}

/** "https://img.example" for messages. */
export function originLabel(urlTemplate: string): string {
  return accessPatternFor(urlTemplate)?.replace(/\/\*$/, '') ?? urlTemplate;
}
