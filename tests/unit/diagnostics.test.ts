import { describe, expect, it } from 'vitest';
import { withoutSecrets } from '@/utils/destinations/model';
import { IDLE_PLAN } from '@/utils/queue/types';
import { rowFromItem } from '@/utils/queue-view/panel-rows';
import { buildDiagnostics, MASK, maskHeader, maskText, maskUrl } from '@/utils/results/diagnostics';
import { makeSnapshot } from '../factories/destination';
import { makeQueueItem } from '../factories/queue-item';

const TOKEN = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const COOKIE_VALUE = 'cadence_session=3f9a2b7c1d8e4f60';

/** A destination carrying a secret in every place one can hide. */
const secretDestination = makeSnapshot({
  name: 'Photo host',
  url: `https://up.example/api/upload?album=7&api_key=${TOKEN}`,
  headers: [
    { name: 'Authorization', value: `Bearer ${TOKEN}` },
    { name: 'Cookie', value: COOKIE_VALUE },
    { name: 'X-Album', value: 'holidays' },
    { name: 'X-Opaque', value: 'a1b2c3d4e5f6a7b8c9d0e1f2' },
  ],
  body: {
    kind: 'multipart',
    fileField: 'image',
    fields: [
      { name: 'csrf_token', value: 'form-secret-value-1' },
      { name: 'title', value: 'my title' },
    ],
  },
  sendCookies: true,
});

describe('masking', () => {
  it.each([
    ['Authorization', `Bearer ${TOKEN}`, `Authorization: ${MASK}`],
    ['Cookie', COOKIE_VALUE, `Cookie: ${MASK}`],
    ['Set-Cookie', `${COOKIE_VALUE}; HttpOnly`, `Set-Cookie: ${MASK}`],
    ['X-API-Key', 'short', `X-API-Key: ${MASK}`],
    ['X-Opaque', 'a1b2c3d4e5f6a7b8c9d0e1f2', `X-Opaque: ${MASK}`],
    ['X-Album', 'holidays', 'X-Album: holidays'],
    ['Authorization', '', 'Authorization: (not shown)'],
  ])('header %s: %s', (name, value, expected) => {
    expect(maskHeader(name, value)).toBe(expected);
  });

  it('a URL: every query value masked (names kept), user info and token-like path segments too', () => {
    expect(maskUrl(`https://user:pw@up.example/hooks/${TOKEN}/upload?album=7&api_key=${TOKEN}`)).toBe(
      `https://masked:masked@up.example/hooks/${MASK}/upload?album=${MASK}&api_key=${MASK}`,
    );
    expect(maskUrl('http://127.0.0.1:8787/files/0001-photo.jpg')).toBe('http://127.0.0.1:8787/files/0001-photo.jpg');
  });

  it('free text a server sent back: bearer tokens, JSON token fields, cookies, form fields and JWTs', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const masked = maskText(
      `denied for Bearer ${TOKEN} {"access_token": "${TOKEN}", "user": "ann"} ` +
        `Cookie: ${COOKIE_VALUE}\ncsrf_token=form-secret-value-1&title=hello jwt ${jwt} ` +
        `see https://up.example/x?sig=${TOKEN}`,
    );
    for (const secret of [TOKEN, '3f9a2b7c1d8e4f60', 'form-secret-value-1', jwt]) expect(masked).not.toContain(secret);
    expect(masked).toContain('"user": "ann"');
    expect(masked).toContain('title=hello');
    expect(masked).toContain(`Bearer ${MASK}`);
  });

  it('prose about tokens stays readable; a Token scheme is masked', () => {
    expect(maskText('{"error":"token expired, sign in again"}')).toBe('{"error":"token expired, sign in again"}');
    expect(maskText(`Authorization failed for Token ${TOKEN}`)).not.toContain(TOKEN);
  });
});

describe('buildDiagnostics', () => {
  const failed = makeQueueItem({
    seq: 2,
    name: 'login.jpg',
    status: 'failed',
    destination: secretDestination,
    attempts: 1,
    createdAt: Date.UTC(2026, 10, 26, 9, 0, 0),
    startedAt: Date.UTC(2026, 10, 26, 9, 0, 1),
    finishedAt: Date.UTC(2026, 10, 26, 9, 0, 2),
    httpStatus: 200,
    failureKind: 'unreadable',
    problem: 'sign-in-redirect',
    error: 'Redirected to a sign-in page: https://up.example/login',
    // A server that echoes what it was sent.
    excerpt: `Sign in. You sent Authorization: Bearer ${TOKEN}`,
    attemptLog: [
      {
        startedAt: Date.UTC(2026, 10, 26, 9, 0, 1),
        finishedAt: Date.UTC(2026, 10, 26, 9, 0, 2),
        result: 'unreadable',
        problem: 'sign-in-redirect',
        httpStatus: 200,
      },
    ],
  });
  const done = makeQueueItem({
    seq: 1,
    name: 'ok.jpg',
    status: 'done',
    destination: secretDestination,
    attempts: 1,
    httpStatus: 200,
    resultUrl: 'https://cdn.example/ok.jpg',
  });

  const text = (destinationAsSeen = secretDestination) =>
    buildDiagnostics({
      rows: [
        rowFromItem({ ...failed, destination: destinationAsSeen }),
        rowFromItem({ ...done, destination: destinationAsSeen }),
        { id: 'draft', name: 'notes.jpg', originalSize: 27, phase: 'error', error: 'Not an image' },
      ],
      plan: IDLE_PLAN,
      pacing: {
        mode: 'sequential',
        delayMs: 20_000,
        concurrency: 2,
        adaptiveFloorMs: 500,
        maxRetries: 1,
        replyTimeoutMs: 30_000,
        paused: false,
      },
      extensionVersion: '0.1.0',
      userAgent: 'Mozilla/5.0 Test',
      now: Date.UTC(2026, 10, 26, 9, 1, 0),
    });

  it('lists each item in order with times, status, attempts, named error and excerpt', () => {
    const log = text();
    expect(log).toContain('Extension version: 0.1.0');
    expect(log).toContain('Browser: Mozilla/5.0 Test');
    expect(log).toContain('Pacing: sequential, delay 20 s');
    expect(log).toContain('reply timeout 30 s');
    expect(log.indexOf('#1 ok.jpg: done')).toBeLessThan(log.indexOf('#2 login.jpg: failed, HTTP 200, 1 attempt'));
    expect(log).toContain(
      'created 2026-11-26T09:00:00.000Z, started 2026-11-26T09:00:01.000Z, finished 2026-11-26T09:00:02.000Z (1000 ms)',
    );
    expect(log).toContain(
      'error [unreadable/sign-in-redirect]: Redirected to a sign-in page: https://up.example/login',
    );
    expect(log).toContain(`reply excerpt: Sign in. You sent Authorization: ${MASK}`);
    expect(log).toContain(
      'attempt: 2026-11-26T09:00:01.000Z -> 2026-11-26T09:00:02.000Z (1000 ms) unreadable/sign-in-redirect HTTP 200',
    );
    expect(log).toContain('Not handed over (1):\n- notes.jpg (27 B): error: Not an image');
  });

  it('never contains a secret: header values, query values, form field values, cookies', () => {
    const log = text();
    for (const secret of [TOKEN, '3f9a2b7c1d8e4f60', 'form-secret-value-1', 'a1b2c3d4e5f6a7b8c9d0e1f2']) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain(`https://up.example/api/upload?album=${MASK}&api_key=${MASK}`);
    expect(log).toContain(`Authorization: ${MASK}; Cookie: ${MASK}; X-Album: holidays; X-Opaque: ${MASK}`);
    expect(log).toContain(`fields: csrf_token=${MASK}, title=${MASK}`);
  });

  it('as the panel sees items (without secrets from the background): header names stay, values were never there', () => {
    const log = text(withoutSecrets(secretDestination));
    expect(log).toContain('- Photo host: POST https://up.example/api/upload');
    expect(log).toContain('Authorization: (not shown); Cookie: (not shown)');
    expect(log).not.toContain(TOKEN);
  });
});
