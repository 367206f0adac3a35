import type { HostPreset } from './preset';

/**
 * A PicList or PicGo app on this computer, which uploads on to whatever host
 * it is set up for. Sources: https://picgo.github.io/PicGo-Doc/en/guide/advance.html
 * ("PicGo-Server": POST http://127.0.0.1:36677/upload, multipart form data
 * since 2.4.0; the reply `{success, result: [url]}`) and
 * https://piclist.cn/en/advanced.html (PicList's `?key=` when a server key is set).
 */
export const piclistHost: HostPreset = {
  id: 'piclist',
  name: 'PicList / PicGo',
  summaryKey: 'hostPiclistSummary',
  docs: 'https://picgo.github.io/PicGo-Doc/en/guide/advance.html',
  asks: [
    { key: 'serverUrl', labelKey: 'hostAskServerUrl', kind: 'url', default: 'http://127.0.0.1:36677' },
    { key: 'serverKey', labelKey: 'hostAskServerKey', kind: 'secret', optional: true },
  ],
  destination: {
    url: '[[serverUrl]]/upload?key=[[serverKey]]',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'file', fields: [] },
    headers: [],
    sendCookies: false,
    reply: {
      url: '{json:result[0]}',
      thumbnailUrl: '',
      deletionUrl: '',
      errorMessage: '{json:message}',
    },
    successStatuses: '2xx',
  },
};
