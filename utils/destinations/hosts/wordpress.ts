import type { HostPreset } from './preset';

/**
 * WordPress media library, with an application password. Sources:
 * https://developer.wordpress.org/rest-api/reference/media/#create-a-media-item
 * (POST {site}/wp-json/wp/v2/media; a multipart `file` is read like the raw
 * body with Content-Disposition; 201 with `source_url` and
 * `media_details.sizes.thumbnail.source_url`; errors as `message`), and
 * https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/
 * (HTTP Basic with the user name and the application password).
 * Multipart rather than the raw body: a raw body names the file in a header,
 * where a non-Latin name cannot go.
 */
export const wordpressHost: HostPreset = {
  id: 'wordpress',
  name: 'WordPress',
  summaryKey: 'hostWordpressSummary',
  docs: 'https://developer.wordpress.org/rest-api/reference/media/#create-a-media-item',
  asks: [
    { key: 'siteUrl', labelKey: 'hostAskSiteUrl', kind: 'url', placeholder: 'https://blog.example.com' },
    { key: 'username', labelKey: 'hostAskUsername', kind: 'text' },
    { key: 'password', labelKey: 'hostAskAppPassword', kind: 'secret', placeholder: 'abcd efgh ijkl mnop qrst uvwx' },
  ],
  destination: {
    url: '[[siteUrl]]/wp-json/wp/v2/media',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'file', fields: [] },
    headers: [{ name: 'Authorization', value: 'Basic [[basic:username:password]]' }],
    sendCookies: false,
    reply: {
      url: '{json:source_url}',
      thumbnailUrl: '{json:media_details.sizes.thumbnail.source_url}',
      // Deleting is DELETE /wp/v2/media/{id}?force=true, not a link to open.
      deletionUrl: '',
      errorMessage: '{json:message}',
    },
    successStatuses: '2xx',
  },
};
