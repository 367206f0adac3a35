import type { HostPreset } from './preset';

/**
 * Chevereto (V4, API V1). Source:
 * https://v4-docs.chevereto.com/api/1/file-upload.html (POST
 * {site}/api/1/upload, the key in the `X-API-Key` header, the file in
 * `source`, `format=json`; the reply's `image` holds `url`, `thumb.url` and
 * `delete_url`; errors as `error.message` with the status in `status_code`).
 */
export const cheveretoHost: HostPreset = {
  id: 'chevereto',
  name: 'Chevereto',
  summaryKey: 'hostCheveretoSummary',
  docs: 'https://v4-docs.chevereto.com/api/1/file-upload.html',
  asks: [
    { key: 'siteUrl', labelKey: 'hostAskSiteUrl', kind: 'url', placeholder: 'https://images.example.com' },
    { key: 'apiKey', labelKey: 'hostAskApiKey', kind: 'secret' },
  ],
  destination: {
    url: '[[siteUrl]]/api/1/upload',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'source', fields: [{ name: 'format', value: 'json' }] },
    headers: [{ name: 'X-API-Key', value: '[[apiKey]]' }],
    sendCookies: false,
    reply: {
      url: '{json:image.url}',
      thumbnailUrl: '{json:image.thumb.url}',
      deletionUrl: '{json:image.delete_url}',
      errorMessage: '{json:error.message}',
    },
    successStatuses: '2xx',
  },
};
