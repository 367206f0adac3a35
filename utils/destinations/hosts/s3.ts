import type { MessageKey } from '../../localized';
import type { DestinationSpec } from '../model';
import { newS3Settings } from '../s3-settings';
import type { HostPreset } from './preset';

/**
 * S3 or any S3-compatible storage (MinIO, R2, Wasabi, B2's S3 API), through
 * a signing endpoint the user runs: it answers each request Cadence names
 * (create, upload-part, complete, abort, list-parts, or put for a file that
 * fits in one part) with a presigned URL, so no key is typed into the
 * browser. Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/PresignedUrlUploadObject.html
 * and the multipart API (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html);
 * the signing endpoint's small protocol is docs/s3.md. The preset shape is
 * the hosts gallery's (utils/destinations/hosts/preset.ts, issue 16 part 4):
 * `[[key]]` holes are the user's answers, and the transport's strings are
 * filled like the rest.
 */
export const s3Host: HostPreset = {
  id: 's3',
  name: 'S3 / S3-compatible (presigned)',
  summaryKey: 'hostS3Summary' satisfies MessageKey,
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/PresignedUrlUploadObject.html',
  asks: [
    {
      key: 'signingUrl',
      labelKey: 's3SigningUrl' satisfies MessageKey,
      kind: 'url',
      placeholder: 'https://my-server.example/s3/sign',
    },
    { key: 'token', labelKey: 's3SigningToken' satisfies MessageKey, kind: 'secret' },
    {
      key: 'endpoint',
      labelKey: 's3Endpoint' satisfies MessageKey,
      kind: 'url',
      placeholder: 'https://s3.eu-west-1.amazonaws.com',
    },
    { key: 'bucket', labelKey: 's3Bucket' satisfies MessageKey, kind: 'text', placeholder: 'my-photos' },
  ],
  destination: {
    // The bucket's address (s3DestinationUrl): host access is asked for it.
    url: 'https://[[bucket]].s3.amazonaws.com/',
    method: 'PUT',
    body: { kind: 'binary' },
    // Sent to the signing endpoint only, never to the bucket.
    headers: [{ name: 'Authorization', value: 'Bearer [[token]]' }],
    sendCookies: false,
    reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    successStatuses: '2xx',
    transport: newS3Settings({
      signing: 'endpoint',
      signingUrl: '[[signingUrl]]',
      endpoint: '[[endpoint]]',
      bucket: '[[bucket]]',
      keyPrefix: 'cadence/',
    }),
  } satisfies DestinationSpec,
};
