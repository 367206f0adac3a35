/**
 * A real S3-compatible server for the tests and bench:resume: s3rver (npm)
 * on loopback, one bucket whose CORS rule allows any origin and exposes
 * ETag (as a bucket used from a browser must), optionally behind the
 * resetting proxy, and a signing endpoint of the kind a user would run
 * (presigned URLs, SigV4 in the query, made with aws4fetch).
 *
 * What s3rver lacks, and the tests rely on as real gaps: ListParts and
 * AbortMultipartUpload answer 405 MethodNotAllowed; SigV4 signatures are not
 * checked (the access key id is); part sizes are not checked (S3's 5 MiB
 * minimum is proven in the unit tests' fake bucket); no checksums.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AwsV4Signer } from 'aws4fetch';
import S3rver from 's3rver';
import { newS3Settings, type S3Settings } from '../../utils/destinations/s3-settings';
import { operationUrl, S3_METHODS, type S3Operation } from '../../utils/upload/s3-signing';
import { type ResetProxy, startResetProxy } from './reset-proxy';

/** s3rver's built-in account. */
export const S3RVER_KEY = 'S3RVER';

const CORS = `<CORSConfiguration><CORSRule>
  <AllowedOrigin>*</AllowedOrigin>
  <AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>
  <AllowedMethod>DELETE</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>
  <AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>
</CORSRule></CORSConfiguration>`;

export interface S3Server {
  /** Where clients connect: the proxy when one resets connections, else s3rver itself. */
  origin: string;
  bucket: string;
  /** Path-style settings for this server, signed with the built-in key. */
  settings: S3Settings;
  proxy?: ResetProxy;
  /** The stored object's bytes, or undefined. */
  object(key: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export async function startS3Server({
  bucket = 'photos',
  resetAfterBytes,
}: {
  bucket?: string;
  /** Reset every connection once the client sent this many bytes on it; read per chunk. */
  resetAfterBytes?: () => number | undefined;
} = {}): Promise<S3Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cadence-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [CORS] }],
  });
  const { port } = (await server.run()) as AddressInfo;
  const proxy = resetAfterBytes ? await startResetProxy(port, resetAfterBytes) : undefined;
  const origin = proxy?.origin ?? `http://127.0.0.1:${port}`;
  return {
    origin,
    bucket,
    proxy,
    settings: newS3Settings({
      endpoint: origin,
      bucket,
      pathStyle: true,
      accessKeyId: S3RVER_KEY,
      secretAccessKey: S3RVER_KEY,
    }),
    async object(key) {
      // s3rver keeps each object in a file named after its key, with `._S3rver_object` after it.
      return readFile(path.join(dir, bucket, `${key}._S3rver_object`)).catch(() => undefined);
    },
    async close() {
      await proxy?.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SigningEndpoint {
  url: string;
  /** The operations it was asked to sign, in order. */
  asked: S3Operation[];
  close(): Promise<void>;
}

/**
 * What a user's signing endpoint does (docs/s3.md): checks its own token,
 * presigns the one request asked for, answers `{ url }`. The key stays on
 * this server; the extension never sees it.
 */
export async function startSigningEndpoint(settings: S3Settings, token: string): Promise<SigningEndpoint> {
  const asked: S3Operation[] = [];
  const server = createServer(async (request, response) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' };
    if (request.method === 'OPTIONS') return response.writeHead(204, cors).end();
    if (request.headers.authorization !== `Bearer ${token}`) return response.writeHead(401, cors).end('{}');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const operation = JSON.parse(Buffer.concat(chunks).toString('utf8')) as S3Operation;
    asked.push(operation);
    const url = operationUrl(settings, operation);
    url.searchParams.set('X-Amz-Expires', '600');
    const signed = await new AwsV4Signer({
      method: S3_METHODS[operation.operation],
      url: url.href,
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      service: 's3',
      region: settings.region,
      signQuery: true,
    }).sign();
    response.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify({ url: signed.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sign`,
    asked,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
