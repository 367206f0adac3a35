import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// See ../shared/design.md for the reasoning behind each manifest key.
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
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Structured-clone messaging (Chrome 148+) lets a File cross from the panel
    // to the service worker intact; without it Chrome sends JSON and a Blob
    // arrives as {}.
    minimum_chrome_version: '148',
    message_serialization: 'structured_clone',
    permissions: [
      'activeTab', // inject the panel into the page the user chose, and only that page
      'scripting', // the injection itself
      'storage', // settings
      'contextMenus', // "Upload here"
      'alarms', // wakes a stopped service worker while uploads are pending
      'unlimitedStorage', // queued images live in IndexedDB until uploaded
    ],
    // Destination origins are asked for when a destination is saved (or a page's
    // form chosen), in the user's click; nothing is granted at install.
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    action: { default_title: '__MSG_extName__' },
    web_accessible_resources: [
      // The panel is an extension page framed into the page by the content script.
      // Only at this session's dynamic URL: a page cannot probe for Cadence or
      // frame the panel before the user opened it there (a copy of the iframe's
      // src still loads it; the one-time token, background/panel-claims.ts,
      // refuses that copy).
      { resources: ['panel.html'], matches: ['<all_urls>'], use_dynamic_url: true },
    ],
  },
});
