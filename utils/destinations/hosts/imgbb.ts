import type { HostPreset } from './preset';

/**
 * imgbb. Source: https://api.imgbb.com/ ("Upload image": POST
 * https://api.imgbb.com/1/upload with `key` and `image` (binary, base64 or
 * URL) as parameters; the reply's `data` holds `url`, `thumb.url` and
 * `delete_url`; errors come as `error.message` with a 4xx status).
 */
export const imgbbHost: HostPreset = {
  id: 'imgbb',
  name: 'imgbb',
  summaryKey: 'hostImgbbSummary',
  docs: 'https://api.imgbb.com/',
  asks: [{ key: 'apiKey', labelKey: 'hostAskApiKey', kind: 'secret' }],
  destination: {
    url: 'https://api.imgbb.com/1/upload?key=[[apiKey]]',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'image', fields: [] },
    headers: [],
    sendCookies: false,
    reply: {
      url: '{json:data.url}',
      thumbnailUrl: '{json:data.thumb.url}',
      deletionUrl: '{json:data.delete_url}',
      errorMessage: '{json:error.message}',
    },
    successStatuses: '2xx',
  },
};
