import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// The reasoning behind each manifest key: docs/decisions.md.

const chromeOnly = {
  // Structured-clone messaging (Chrome 148+) lets a File cross from the panel
  // to the service worker intact; without it Chrome sends JSON and a Blob
  // arrives as {}.
  minimum_chrome_version: '148',
  message_serialization: 'structured_clone',
};

// Firefox clones messages natively, so neither key above applies there. WXT
// turns the background into `background.scripts` (an event page) for Firefox.
const firefoxOnly = {
  browser_specific_settings: {
    gecko: {
      // Firefox requires an add-on id for Manifest V3.
      id: 'cadence@cadence-extension',
      // 140 is the first Firefox (and ESR) that reads data_collection_permissions;
      // everything else used here (MV3 module event page, optional host
      // permissions, scripting, OffscreenCanvas in workers) is older.
      strict_min_version: '140.0',
      // Nothing goes to the developer or a third party: images go only where
      // the user sends them, to the destination the user configured.
      data_collection_permissions: { required: ['none'] },
    },
    // Firefox for Android reads data_collection_permissions from 142 on.
    gecko_android: { strict_min_version: '142.0' },
  },
};

export default defineConfig({
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // The compression benchmark's page (entrypoints/bench) is built only by
    // `wxt build --mode bench` (npm run bench:compress), never shipped.
    'entrypoints:resolved': (wxt, entrypoints) => {
      if (wxt.config.mode === 'bench') return;
      const bench = entrypoints.findIndex((entrypoint) => entrypoint.name === 'bench');
      if (bench >= 0) entrypoints.splice(bench, 1);
    },
  },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    ...(browser === 'firefox' ? firefoxOnly : chromeOnly),
    permissions: [
      'activeTab', // inject the panel into the page the user chose, and only that page
      'scripting', // the injection itself
      'storage', // settings
      'contextMenus', // "Upload here"
      'alarms', // wakes a stopped service worker while uploads are pending
      'unlimitedStorage', // queued images live in IndexedDB until uploaded
      // Chrome: an offscreen document compresses images whose panel was closed before it
      // compressed them (a service worker cannot run the compression workers). No install
      // warning. Firefox's event page compresses them itself.
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    // Destination origins are asked for when a destination is saved (or a page's
    // form chosen), in the user's click; nothing is granted at install.
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    action: { default_title: '__MSG_extName__' },
    // MV3's default plus 'wasm-unsafe-eval': the compress workers compile the
    // bundled WebAssembly codecs (HEIC in, AVIF out). Scripts still come only
    // from the extension itself ('self'); nothing remote.
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
    web_accessible_resources: [
      // The panel is an extension page framed into the page by the content script.
      // Only at this session's dynamic URL: a page cannot probe for Cadence or
      // frame the panel before the user opened it there (a copy of the iframe's
      // src still loads it; the one-time token, background/panel-claims.ts,
      // refuses that copy).
      // Firefox has no such key and needs none: its moz-extension:// host is
      // already a random id per installation.
      {
        resources: ['panel.html'],
        matches: ['<all_urls>'],
        ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
      },
    ],
  }),
});
