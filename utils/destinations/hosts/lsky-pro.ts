import type { HostPreset } from './preset';

/**
 * Lsky Pro (2.x, API v1). Source: the API page every Lsky Pro site serves at
 * {site}/api ("上传图片": POST {site}/api/v1/upload, `Authorization: Bearer
 * {token}`, `Accept: application/json`, the file in `file`; the reply
 * `{status, message, data}` holds `data.links.url`, `.thumbnail_url` and
 * `.delete_url`). A refusal may come with status 200 and `status: false`: the
 * missing URL and `message` name it.
 */
export const lskyProHost: HostPreset = {
  id: 'lsky-pro',
  name: 'Lsky Pro',
  summaryKey: 'hostLskySummary',
  docs: 'https://docs.lsky.pro/',
  asks: [
    { key: 'siteUrl', labelKey: 'hostAskSiteUrl', kind: 'url', placeholder: 'https://lsky.example.com' },
    { key: 'token', labelKey: 'hostAskToken', kind: 'secret' },
  ],
  destination: {
    url: '[[siteUrl]]/api/v1/upload',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'file', fields: [] },
    headers: [
      { name: 'Authorization', value: 'Bearer [[token]]' },
      { name: 'Accept', value: 'application/json' },
    ],
    sendCookies: false,
    reply: {
      url: '{json:data.links.url}',
      thumbnailUrl: '{json:data.links.thumbnail_url}',
      deletionUrl: '{json:data.links.delete_url}',
      errorMessage: '{json:message}',
    },
    successStatuses: '2xx',
  },
};
