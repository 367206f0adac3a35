import type { HostPreset } from './preset';

/**
 * Imgur, anonymous uploads with an app's Client ID. Source:
 * https://apidocs.imgur.com/ ("Image Upload": POST https://api.imgur.com/3/image,
 * `Authorization: Client-ID {client_id}`, the file in the `image` field with
 * `type=file`; the reply's `data` holds `link` and `deletehash`, which
 * https://imgur.com/delete/{deletehash} deletes; errors as `data.error`).
 */
export const imgurHost: HostPreset = {
  id: 'imgur',
  name: 'Imgur',
  summaryKey: 'hostImgurSummary',
  docs: 'https://apidocs.imgur.com/',
  asks: [{ key: 'clientId', labelKey: 'hostAskClientId', kind: 'secret' }],
  destination: {
    url: 'https://api.imgur.com/3/image',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'image', fields: [{ name: 'type', value: 'file' }] },
    headers: [{ name: 'Authorization', value: 'Client-ID [[clientId]]' }],
    sendCookies: false,
    reply: {
      url: '{json:data.link}',
      // Imgur serves a 320 px thumbnail of any image at its id plus "m".
      thumbnailUrl: 'https://i.imgur.com/{json:data.id}m.jpg',
      deletionUrl: 'https://imgur.com/delete/{json:data.deletehash}',
      errorMessage: '{json:data.error}',
    },
    successStatuses: '2xx',
  },
};
