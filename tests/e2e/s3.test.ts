import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type S3Server, startS3Server, startSigningEndpoint } from '../../scripts/lib/s3-server';
import { newDestination, snapshotOf } from '../../utils/destinations/model';
import type { S3Settings } from '../../utils/destinations/s3-settings';
import type { TransportState } from '../../utils/queue/types';
import { setTimeoutTimer } from '../../utils/upload/send-request';
import { sendThroughTransport } from '../../utils/upload/transports';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  panelOutputHashes,
  sha256,
  startHarness,
  waitUntilHandedOver,
} from './harness';

const MiB = 1024 * 1024;

/** One attempt of Cadence's own transport code (what the service worker runs), with Node's fetch. */
async function attempt(
  settings: S3Settings,
  name: string,
  bytes: Buffer,
  transportState?: TransportState,
  headers = '',
) {
  const destination = snapshotOf(
    newDestination({
      name: 's3rver',
      url: `${settings.endpoint}/${settings.bucket}/`,
      transport: settings,
      headers: headers ? [{ name: 'Authorization', value: headers }] : [],
    }),
  );
  let state = transportState;
  const progress: number[] = [];
  const { outcome } = await sendThroughTransport(
    { destination, name, idempotencyKey: 'k', transportState, autoRetries: transportState ? 1 : 0 },
    new Blob([new Uint8Array(bytes)], { type: 'image/png' }),
    { fetch: (request) => fetch(request), setTimer: setTimeoutTimer, now: Date.now },
    {
      replyTimeoutMs: async () => 30_000,
      onProgress: (sent) => progress.push(sent),
      saveState: async (saved) => {
        state = saved;
      },
    },
  );
  return { outcome, state, progress };
}

describe("Cadence's S3 transport against s3rver (npm), in Node", () => {
  let s3: S3Server | undefined;
  afterEach(async () => {
    await s3?.close();
    s3 = undefined;
  });

  it('a 12 MiB file through a proxy that resets every connection after 6 MiB arrives whole in parts', async () => {
    s3 = await startS3Server({ resetAfterBytes: () => 6 * MiB });
    const bytes = randomBytes(12 * MiB);
    const { outcome, state, progress } = await attempt(s3.settings, 'scan.png', bytes);
    expect(outcome).toMatchObject({ ok: true, resultUrl: `${s3.origin}/photos/scan.png` });
    expect(sha256((await s3.object('scan.png')) ?? Buffer.alloc(0))).toBe(sha256(bytes));
    expect(s3.proxy?.resets()).toBeGreaterThanOrEqual(1);
    expect(state).toBeUndefined();
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('an attempt ended by resets goes on from the ETags it kept (s3rver cannot list parts: 405), not from byte 0', async () => {
    let budget = 16 * MiB;
    s3 = await startS3Server({ resetAfterBytes: () => budget });
    const bytes = randomBytes(20 * MiB);
    // The first 8 MiB part goes through; then every connection is cut until the attempt gives up.
    const ended = await attemptWithCut(s3, bytes, () => {
      budget = 1;
    });
    expect(ended.outcome).toMatchObject({ ok: false, kind: 'reset' });
    expect(ended.state).toMatchObject({ kind: 's3-multipart', parts: [{ partNumber: 1, size: 8 * MiB }] });
    budget = 64 * MiB;
    const sentBefore = s3.proxy?.bytesIn() ?? 0;
    const resumed = await attempt(s3.settings, 'cut.png', bytes, ended.state);
    expect(resumed.outcome).toMatchObject({ ok: true });
    expect(sha256((await s3.object('cut.png')) ?? Buffer.alloc(0))).toBe(sha256(bytes));
    // Only the 12 MiB the bucket lacked went again (plus headers and the 405 ListParts).
    expect((s3.proxy?.bytesIn() ?? 0) - sentBefore).toBeLessThan(12.1 * MiB);
  });

  it('through a signing endpoint: presigned URLs for one PUT and for Create, UploadPart and Complete; no key in the extension', async () => {
    s3 = await startS3Server();
    const signer = await startSigningEndpoint(s3.settings, 'token-1');
    try {
      const settings: S3Settings = {
        ...s3.settings,
        signing: 'endpoint',
        signingUrl: signer.url,
        accessKeyId: '',
        secretAccessKey: '',
      };
      const small = randomBytes(200_000);
      expect((await attempt(settings, 'small.png', small, undefined, 'Bearer token-1')).outcome).toMatchObject({
        ok: true,
      });
      const big = randomBytes(10 * MiB);
      expect((await attempt(settings, 'big.png', big, undefined, 'Bearer token-1')).outcome).toMatchObject({
        ok: true,
      });
      expect(signer.asked.map((operation) => operation.operation)).toEqual([
        'put',
        'create',
        'upload-part',
        'upload-part',
        'complete',
      ]);
      expect(sha256((await s3.object('small.png')) ?? Buffer.alloc(0))).toBe(sha256(small));
      expect(sha256((await s3.object('big.png')) ?? Buffer.alloc(0))).toBe(sha256(big));
      const refused = await attempt(settings, 'nope.png', small, undefined, 'Bearer wrong');
      expect(refused.outcome).toMatchObject({ ok: false, httpStatus: 401, problem: 'storage-refused' });
    } finally {
      await signer.close();
    }
  });
});

/** An attempt whose connection budget the test cuts the moment the first part is stored. */
async function attemptWithCut(s3: S3Server, bytes: Buffer, onFirstPart: () => void) {
  const destination = snapshotOf(
    newDestination({ name: 's3rver', url: `${s3.origin}/photos/`, transport: s3.settings }),
  );
  let state: TransportState | undefined;
  let cut = false;
  const { outcome } = await sendThroughTransport(
    { destination, name: 'cut.png', idempotencyKey: 'k' },
    new Blob([new Uint8Array(bytes)], { type: 'image/png' }),
    { fetch: (request) => fetch(request), setTimer: setTimeoutTimer, now: Date.now },
    {
      replyTimeoutMs: async () => 30_000,
      saveState: async (saved) => {
        state = saved;
        if (!cut && saved?.kind === 's3-multipart' && saved.parts.length === 1) {
          cut = true;
          onFirstPart();
        }
      },
    },
  );
  return { outcome, state };
}

describe('the built extension uploads to s3rver', () => {
  let harness: Harness | undefined;
  let s3: S3Server | undefined;
  afterEach(async () => {
    await harness?.dispose();
    await s3?.close();
    harness = undefined;
    s3 = undefined;
  });

  it('a multi-MB image set up in the options as an S3 bucket arrives whole through resets, and the row links the object', async () => {
    s3 = await startS3Server({ resetAfterBytes: () => 6 * MiB });
    harness = await startHarness();
    // A noisy PNG over 8 MiB: the "Original" preset sends it as it is, in parts.
    const [sample] = await makeSamples(harness, [
      { name: 'big-scan.png', type: 'image/png', width: 2600, height: 1800, grain: 90, seed: 3 },
    ]);
    expect(sample?.size).toBeGreaterThan(8 * MiB);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3, {
      name: 'Local bucket',
      url: '',
      compressionPreset: 'original',
      transport: {
        kind: 's3-multipart',
        s3: {
          signing: 'credentials',
          endpoint: s3.origin,
          bucket: 'photos',
          keyPrefix: 'cadence/',
          pathStyle: true,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        },
      },
    });
    await panel.locator('[data-testid=file-input]').setInputFiles([sample?.path as string]);
    await waitUntilHandedOver(panel);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 120_000 }).toBe(1);
    const produced = await panelOutputHashes(frame);
    const stored = await s3.object('cadence/big-scan.png');
    expect(stored && sha256(stored)).toBe(produced['big-scan.png']);
    expect(s3.proxy?.resets()).toBeGreaterThanOrEqual(1);
    expect(await panel.locator('[data-status=done] a[data-testid=result-link]').getAttribute('href')).toBe(
      `${s3.origin}/photos/cadence/big-scan.png`,
    );
  }, 180_000);
});
