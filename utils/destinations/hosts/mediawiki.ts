import type { HostPreset } from './preset';

/**
 * A MediaWiki wiki, as the signed-in user (the browser's session cookies).
 * Sources: https://www.mediawiki.org/wiki/API:Tokens (GET
 * api.php?action=query&meta=tokens&type=csrf&format=json, the token at
 * `query.tokens.csrftoken`) and https://www.mediawiki.org/wiki/API:Upload
 * (POST api.php, multipart: action=upload, filename, token, format=json, the
 * file in `file`; the reply's `upload.imageinfo.url` and `.descriptionurl`;
 * errors as `error.info`, often with status 200: the missing URL and the
 * message name them).
 * The token is fetched afresh before every upload (the token step, model.ts).
 */
export const mediawikiHost: HostPreset = {
  id: 'mediawiki',
  name: 'MediaWiki',
  summaryKey: 'hostMediawikiSummary',
  docs: 'https://www.mediawiki.org/wiki/API:Upload',
  asks: [{ key: 'apiUrl', labelKey: 'hostAskApiUrl', kind: 'url', placeholder: 'https://wiki.example.org/w/api.php' }],
  destination: {
    url: '[[apiUrl]]',
    method: 'POST',
    body: {
      kind: 'multipart',
      fileField: 'file',
      fields: [
        { name: 'action', value: 'upload' },
        { name: 'format', value: 'json' },
        { name: 'filename', value: '{filename}' },
        { name: 'comment', value: 'Uploaded with Cadence' },
        // A repeated name or a duplicate file is a warning that stops the upload otherwise.
        { name: 'ignorewarnings', value: '1' },
        { name: 'token', value: '{token}' },
      ],
    },
    headers: [],
    sendCookies: true,
    reply: {
      url: '{json:upload.imageinfo.url}',
      thumbnailUrl: '',
      deletionUrl: '',
      errorMessage: '{json:error.info}',
    },
    successStatuses: '2xx',
    tokenRequest: {
      url: '[[apiUrl]]?action=query&meta=tokens&type=csrf&format=json',
      token: '{json:query.tokens.csrftoken}',
    },
  },
};
