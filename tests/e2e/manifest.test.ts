import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_EXTENSION_DIR } from '../../scripts/lib/browser';

/**
 * Every permission Cadence asks for at install, in one place (README
 * "Permissions" says why each is needed). A new one must be added here on purpose.
 */
const EXPECTED_PERMISSIONS = [
  'activeTab',
  'alarms',
  'contextMenus',
  'offscreen',
  'scripting',
  'storage',
  'unlimitedStorage',
];

interface Manifest {
  permissions?: string[];
  web_accessible_resources?: { resources: string[]; matches?: string[]; use_dynamic_url?: boolean }[];
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
    expect(built.permissions?.slice().sort()).toEqual(EXPECTED_PERMISSIONS);
  });

  it("lets no web page or other extension message it, and widens MV3's default CSP only by WebAssembly", async () => {
    const built = await manifest();
    // Without externally_connectable no web page has chrome.runtime for Cadence (tests/e2e/hostile-page.test.ts).
    expect(built).not.toHaveProperty('externally_connectable');
    // The default is "script-src 'self'; object-src 'self'"; 'wasm-unsafe-eval' lets the compress
    // workers compile the bundled codecs (HEIC in, AVIF out). Still no remote or inline script.
    expect(built.content_security_policy).toEqual({
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    });
    // Only the panel is web-accessible, and only at the session's dynamic URL.
    expect(built.web_accessible_resources).toEqual([
      { resources: ['panel.html'], matches: ['<all_urls>'], use_dynamic_url: true },
    ]);
  });

  it('loads no remote code: every script of every page and chunk comes from the package', async () => {
    const files = await readdir(BUILT_EXTENSION_DIR, { recursive: true });
    const read = (file: string) => readFile(path.join(BUILT_EXTENSION_DIR, file), 'utf8');
    const pages = files.filter((file) => file.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) {
      const scriptSources = [...(await read(page)).matchAll(/<script\b[^>]*\bsrc=["']?([^"' >]+)/gi)].map(
        (match) => match[1] ?? '',
      );
      expect(scriptSources.length, page).toBeGreaterThan(0);
      // Root-relative paths inside the package; no scheme, no protocol-relative //host.
      expect(
        scriptSources.filter((source) => !/^\/(?!\/)/.test(source)),
        page,
      ).toEqual([]);
    }
    const scripts = files.filter((file) => file.endsWith('.js'));
    for (const script of scripts) {
      const source = await read(script);
      // A dynamic import, an import statement, importScripts or a Worker from an http(s) or protocol-relative URL.
      const remote = source.match(
        /(?:\bimport\s*\(|\bimportScripts\s*\(|\bfrom\s*|\bimport\s*|new\s+(?:Shared)?Worker\s*\()\s*["'`](?:https?:)?\/\//g,
      );
      expect(remote, script).toBeNull();
    }
  });

  it('bundles its WebAssembly, and loads it only from the compress worker, never in a page', async () => {
    const files = await readdir(BUILT_EXTENSION_DIR, { recursive: true });
    const wasm = files.filter((file) => file.endsWith('.wasm'));
    // libheif (HEIC in) and libavif (AVIF out).
    expect(wasm.some((file) => file.includes('libheif'))).toBe(true);
    expect(wasm.some((file) => file.includes('avif_enc'))).toBe(true);
    const read = (file: string) => readFile(path.join(BUILT_EXTENSION_DIR, file), 'utf8');
    const contentScripts = files.filter((file) => file.startsWith('content-scripts') && file.endsWith('.js'));
    expect(contentScripts.length).toBeGreaterThan(0);
    for (const script of contentScripts) {
      const source = await read(script);
      expect(source, script).not.toMatch(/\.wasm|WebAssembly|libheif/);
    }
    // The codecs' chunks are imported by the worker on first use, not by any page's entry script.
    const pageScripts = files.filter((file) => /^chunks\/(panel|options|popup)-[\w-]+\.js$/.test(file));
    for (const script of pageScripts) expect(await read(script), script).not.toMatch(/\.wasm/);
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
