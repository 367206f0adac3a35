import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_EXTENSION_DIR } from '../../scripts/lib/browser';

interface Manifest {
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: unknown[];
  externally_connectable?: unknown;
  message_serialization?: string;
  minimum_chrome_version?: string;
  content_security_policy?: unknown;
}

const manifest = async (): Promise<Manifest> =>
  JSON.parse(await readFile(path.join(BUILT_EXTENSION_DIR, 'manifest.json'), 'utf8'));

describe('the built manifest (what a user grants at install)', () => {
  it('asks for no host permission and declares no content script: the panel is injected on demand', async () => {
    const built = await manifest();
    expect(built.host_permissions ?? []).toEqual([]);
    // Destination origins can be asked for later, in a user's click.
    expect(built.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(built.content_scripts ?? []).toEqual([]);
    expect(built.externally_connectable).toBeUndefined();
    expect(built.content_security_policy).toBeUndefined();
    expect(built.permissions?.slice().sort()).toEqual([
      'activeTab',
      'alarms',
      'contextMenus',
      'scripting',
      'storage',
      'unlimitedStorage',
    ]);
  });

  it('sends messages by structured clone, so a File crosses intact', async () => {
    const built = await manifest();
    expect(built.message_serialization).toBe('structured_clone');
    expect(Number(built.minimum_chrome_version)).toBeGreaterThanOrEqual(148);
  });

  it('ships the runtime-injected content script', async () => {
    await expect(readFile(path.join(BUILT_EXTENSION_DIR, 'content-scripts/page.js'), 'utf8')).resolves.toContain(
      'panel.html',
    );
  });

  it('ships no benchmark page and no copy of browser-image-compression (only the bench build has them)', async () => {
    const files = await readdir(BUILT_EXTENSION_DIR, { recursive: true });
    expect(files.filter((file) => file.includes('bench'))).toEqual([]);
    const scripts = files.filter((file) => file.endsWith('.js'));
    const sources = await Promise.all(scripts.map((file) => readFile(path.join(BUILT_EXTENSION_DIR, file), 'utf8')));
    // The library's worker mode names its CDN; the compressor worker must be ours.
    expect(sources.filter((source) => source.includes('cdn.jsdelivr.net'))).toEqual([]);
    expect(scripts.some((file) => /compress\.worker-[\w-]+\.js$/.test(file))).toBe(true);
  });
});
