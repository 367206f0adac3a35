import type { HostPreset } from './preset';

/**
 * Cloudinary, unsigned uploads (no secret in the browser). Source:
 * https://cloudinary.com/documentation/upload_images#unsigned_upload (POST
 * https://api.cloudinary.com/v1_1/{cloud_name}/image/upload with `file` and
 * `upload_preset`, a preset set to "Unsigned" in the console; the reply holds
 * `secure_url`, `public_id` and `format`; errors as `error.message`).
 * The thumbnail is a delivery URL with a resize transformation
 * (https://cloudinary.com/documentation/transformation_reference#c_limit).
 */
export const cloudinaryHost: HostPreset = {
  id: 'cloudinary',
  name: 'Cloudinary',
  summaryKey: 'hostCloudinarySummary',
  docs: 'https://cloudinary.com/documentation/upload_images#unsigned_upload',
  asks: [
    { key: 'cloudName', labelKey: 'hostAskCloudName', kind: 'text' },
    { key: 'uploadPreset', labelKey: 'hostAskUploadPreset', kind: 'text' },
  ],
  destination: {
    url: 'https://api.cloudinary.com/v1_1/[[cloudName]]/image/upload',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'file', fields: [{ name: 'upload_preset', value: '[[uploadPreset]]' }] },
    headers: [],
    sendCookies: false,
    reply: {
      url: '{json:secure_url}',
      thumbnailUrl:
        'https://res.cloudinary.com/[[cloudName]]/image/upload/c_limit,h_200,w_200/{json:public_id}.{json:format}',
      // Deleting by token is a POST (delete_by_token), not a link to open.
      deletionUrl: '',
      errorMessage: '{json:error.message}',
    },
    successStatuses: '2xx',
  },
};
