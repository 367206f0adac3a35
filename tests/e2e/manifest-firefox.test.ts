import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/** `npm run build:firefox` output (`npm run test:e2e` builds it before the tests). */
const FIREFOX_DIR = path.resolve(import.meta.dirname, '../../.output/firefox-mv3');

interface FirefoxManifest {
  manifest_version: number;
  background?: { scripts?: string[]; service_worker?: string; type?: string };
  browser_specific_settings?: {
    gecko?: { id?: string; strict_min_version?: string; data_collection_permissions?: { required?: string[] } };
  };
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: unknown[];
  message_serialization?: string;
  minimum_chrome_version?: string;
  web_accessible_resources?: { resources: string[]; matches: string[] }[];
}

let manifest: FirefoxManifest;
beforeAll(async () => {
  if (!existsSync(path.join(FIREFOX_DIR, 'manifest.json'))) {
    throw new Error(`No Firefox build at ${FIREFOX_DIR}: run npm run build:firefox first.`);
  }
  manifest = JSON.parse(await readFile(path.join(FIREFOX_DIR, 'manifest.json'), 'utf8'));
});

describe('the Firefox MV3 manifest', () => {
  it('runs the background as event-page scripts (Firefox has no extension service worker)', async () => {
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.background?.service_worker).toBeUndefined();
    expect(manifest.background?.scripts).toEqual(['background.js']);
    await expect(readFile(path.join(FIREFOX_DIR, 'background.js'), 'utf8')).resolves.toContain('queue/add');
  });

  it('names its add-on id, a minimum Firefox, and that it collects no data', () => {
    const gecko = manifest.browser_specific_settings?.gecko;
    expect(gecko?.id).toMatch(/^[\w.-]+@[\w.-]+$/);
    expect(Number.parseFloat(gecko?.strict_min_version ?? '0')).toBeGreaterThanOrEqual(140);
    expect(gecko?.data_collection_permissions?.required).toEqual(['none']);
  });

  it('asks for no host permission at install and declares no content script', () => {
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(manifest.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(manifest.content_scripts ?? []).toEqual([]);
    expect(manifest.permissions?.slice().sort()).toEqual([
      'activeTab',
      'alarms',
      'contextMenus',
      'scripting',
      'storage',
      'unlimitedStorage',
    ]);
    expect(manifest.web_accessible_resources).toEqual([{ resources: ['panel.html'], matches: ['<all_urls>'] }]);
  });

  it('carries none of the Chrome-only keys (Firefox clones messages natively)', () => {
    expect(manifest.message_serialization).toBeUndefined();
    expect(manifest.minimum_chrome_version).toBeUndefined();
  });
});
