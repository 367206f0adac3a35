import * as v from 'valibot';
import { text } from '../bounded-schemas';

/**
 * An S3 (or S3-compatible: MinIO, R2, s3rver…) bucket as a destination's
 * transport: the image goes up in parts of at least 5 MiB with
 * CreateMultipartUpload / UploadPart / CompleteMultipartUpload, or as one PUT
 * when it fits in one part (utils/upload/s3-multipart.ts).
 */
export interface S3Settings {
  kind: 's3-multipart';
  /**
   * 'credentials': the access key is stored with the destination and the
   * background signs (SigV4); 'endpoint': the user's server presigns each
   * request and Cadence holds no key. @default 'credentials'
   */
  signing: 'credentials' | 'endpoint';
  /** e.g. `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:4568`. */
  endpoint: string;
  bucket: string;
  /** @default 'us-east-1' */
  region: string;
  /** Put before the file name to make the object key, e.g. `uploads/`. @default '' */
  keyPrefix: string;
  /** `endpoint/bucket/key` (MinIO, s3rver) instead of `bucket.endpoint/key`. @default false */
  pathStyle: boolean;
  /** Credentials signing only. */
  accessKeyId: string;
  /** Credentials signing only. A secret: never leaves the background and extension storage. */
  secretAccessKey: string;
  /** Endpoint signing only: where Cadence asks for presigned URLs (docs/s3.md). */
  signingUrl: string;
  /** The result link's base (a CDN or the bucket's public site); empty: the object's own URL. @default '' */
  publicUrl: string;
}

export const s3SettingsSchema = v.object({
  kind: v.literal('s3-multipart'),
  signing: v.picklist(['credentials', 'endpoint']),
  endpoint: text,
  bucket: text,
  region: text,
  keyPrefix: text,
  pathStyle: v.boolean(),
  accessKeyId: text,
  secretAccessKey: text,
  signingUrl: text,
  publicUrl: text,
});

export function newS3Settings(overrides: Partial<S3Settings> = {}): S3Settings {
  return {
    kind: 's3-multipart',
    signing: 'credentials',
    endpoint: '',
    bucket: '',
    region: 'us-east-1',
    keyPrefix: '',
    pathStyle: false,
    accessKeyId: '',
    secretAccessKey: '',
    signingUrl: '',
    publicUrl: '',
    ...overrides,
  };
}

/** The settings as the panel, the popup and a settings file without secrets see them. */
export function s3WithoutSecrets(settings: S3Settings): S3Settings {
  let signingUrl = '';
  try {
    const parsed = new URL(settings.signingUrl);
    signingUrl = `${parsed.origin}${parsed.pathname}`;
  } catch {
    // Not a URL: nothing worth showing.
  }
  return { ...settings, accessKeyId: '', secretAccessKey: '', signingUrl };
}

/**
 * The destination `url` of an S3 transport: the bucket's address (path-style
 * `endpoint/bucket/`, else `bucket.host/`), or '' while the endpoint is not
 * an address yet. Host access is asked for it; the requests go under it.
 */
export function s3DestinationUrl(settings: Pick<S3Settings, 'endpoint' | 'bucket' | 'pathStyle'>): string {
  let endpoint: URL;
  try {
    endpoint = new URL(settings.endpoint);
  } catch {
    return '';
  }
  const base = endpoint.pathname.replace(/\/+$/, '');
  const bucket = encodeURIComponent(settings.bucket);
  return settings.pathStyle
    ? `${endpoint.origin}${base}/${bucket}/`
    : `${endpoint.protocol}//${bucket}.${endpoint.host}${base}/`;
}
