import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HOST_PRESETS } from '@/utils/destinations/hosts';
import { answerProblems, fillPreset, type HostPreset, hostPresetSchema } from '@/utils/destinations/hosts/preset';
import { snapshotOf, validateDestination } from '@/utils/destinations/model';
import { type SendEffects, sendUpload } from '@/utils/upload/send-request';

/**
 * Each ready-made host against a recorded example written from its API
 * documentation (tests/fixtures/hosts/<id>.json names the page): the
 * requests the background sends must be the documented ones, and the
 * documented reply must give the link, thumbnail and deletion URL.
 * Requests go through `sendUpload`, the path every upload takes.
 */

interface RecordedReply {
  status: number;
  body: unknown;
}
interface RecordedExample {
  source: string;
  answers: Record<string, string>;
  token?: { url: string; credentials?: RequestCredentials; reply: RecordedReply };
  request: {
    method: string;
    url: string;
    credentials?: RequestCredentials;
    headers: Record<string, string>;
    /** "@file" is the image itself. */
    multipart?: Record<string, string>;
    /** "@base64" is the image as base64. */
    json?: Record<string, string>;
  };
  reply: RecordedReply;
  expected: { resultUrl: string; thumbnailUrl?: string; deletionUrl?: string };
  refusal: RecordedReply & { error: string };
}

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/hosts');
const example = (id: string) => JSON.parse(readFileSync(path.join(FIXTURES, `${id}.json`), 'utf8')) as RecordedExample;

const IMAGE = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], { type: 'image/jpeg' });
const IMAGE_BASE64 = '/9j/2Q==';

function json(reply: RecordedReply): Response {
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A fake host that answers the recorded replies in order and keeps what it was sent. */
function recordedHost(replies: RecordedReply[]) {
  const requests: Request[] = [];
  const effects: SendEffects = {
    fetch: async (request) => {
      requests.push(request.clone());
      const reply = replies[requests.length - 1];
      if (!reply) throw new Error(`unexpected request ${request.method} ${request.url}`);
      return json(reply);
    },
    setTimer: () => () => {},
    now: () => 0,
  };
  return { effects, requests };
}

async function send(preset: HostPreset, recorded: RecordedExample, replies: RecordedReply[]) {
  const destination = fillPreset(preset, recorded.answers);
  const host = recordedHost(replies);
  const item = { destination: snapshotOf(destination), name: 'photo.jpg', idempotencyKey: 'key-1' };
  const { outcome } = await sendUpload(item, IMAGE, host.effects, { replyTimeoutMs: async () => 30_000 });
  return { outcome, requests: host.requests };
}

// A preset whose upload is more than one request (S3 multipart) has its own test (s3-host.test.ts).
describe.each(
  HOST_PRESETS.filter((preset) => !preset.destination.transport).map((preset) => [preset.id, preset] as const),
)('ready-made host %s', (id, preset) => {
  const recorded = example(id);

  it('is a well-formed preset that makes a valid destination', () => {
    expect(() => v.parse(hostPresetSchema, preset)).not.toThrow();
    expect(recorded.source).toMatch(/^https:\/\/|API page/);
    const destination = fillPreset(preset, recorded.answers);
    expect(validateDestination(destination)).toEqual([]);
    expect(destination.name).toBe(preset.name);
  });

  it('sends the documented request(s)', async () => {
    const replies = [...(recorded.token ? [recorded.token.reply] : []), recorded.reply];
    const { requests } = await send(preset, recorded, replies);
    expect(requests).toHaveLength(replies.length);
    if (recorded.token) {
      const tokenRequest = requests[0] as Request;
      expect(tokenRequest.method).toBe('GET');
      expect(tokenRequest.url).toBe(recorded.token.url);
      expect(tokenRequest.credentials).toBe(recorded.token.credentials ?? 'omit');
    }
    const request = requests.at(-1) as Request;
    expect(request.method).toBe(recorded.request.method);
    expect(request.url).toBe(recorded.request.url);
    expect(request.credentials).toBe(recorded.request.credentials ?? 'omit');
    const sentHeaders = Object.fromEntries(
      [...request.headers].filter(([name]) => name !== 'idempotency-key' && !name.startsWith('content-type')),
    );
    const { 'content-type': contentType, ...expectedHeaders } = recorded.request.headers;
    expect(sentHeaders).toEqual(expectedHeaders);
    if (contentType) expect(request.headers.get('content-type')).toBe(contentType);
    if (recorded.request.multipart) {
      const form = await request.formData();
      const sent: Record<string, string> = {};
      for (const [name, value] of form) {
        if (typeof value === 'string') sent[name] = value;
        else {
          expect(value.name).toBe('photo.jpg');
          expect(new Uint8Array(await value.arrayBuffer())).toEqual(new Uint8Array(await IMAGE.arrayBuffer()));
          sent[name] = '@file';
        }
      }
      expect(sent).toEqual(recorded.request.multipart);
    }
    if (recorded.request.json) {
      const body = JSON.parse(await request.text()) as Record<string, string>;
      const expected = Object.fromEntries(
        Object.entries(recorded.request.json).map(([key, value]) => [key, value === '@base64' ? IMAGE_BASE64 : value]),
      );
      expect(body).toEqual(expected);
    }
  });

  it('reads the link, thumbnail and deletion URL from the documented reply', async () => {
    const { outcome } = await send(preset, recorded, [
      ...(recorded.token ? [recorded.token.reply] : []),
      recorded.reply,
    ]);
    expect(outcome).toEqual({ ok: true, httpStatus: recorded.reply.status, ...recorded.expected });
  });

  it("names the host's own refusal", async () => {
    const { outcome } = await send(preset, recorded, [
      ...(recorded.token ? [recorded.token.reply] : []),
      recorded.refusal,
    ]);
    expect(outcome).toMatchObject({ ok: false, error: recorded.refusal.error });
  });

  it('asks for every answer it needs and refuses a form left empty', () => {
    const required = preset.asks.filter((ask) => !ask.optional && ask.default === undefined);
    expect(answerProblems(preset, {})).toHaveLength(required.length);
    if (required.length > 0) expect(() => fillPreset(preset, {})).toThrow(/fill in/);
    else expect(validateDestination(fillPreset(preset, {}))).toEqual([]);
  });
});

describe('filling a preset', () => {
  const chevereto = HOST_PRESETS.find((preset) => preset.id === 'chevereto') as HostPreset;

  it('keeps a key with template characters as the key: it reaches the header unchanged', async () => {
    // The recorded Chevereto example's key holds { } and |: the header must carry them as typed.
    const recorded = example('chevereto');
    expect(recorded.answers.apiKey).toMatch(/[{}|]/);
    const { requests } = await send(chevereto, recorded, [recorded.reply]);
    expect(requests[0]?.headers.get('x-api-key')).toBe(recorded.answers.apiKey);
  });

  it('refuses an address that is not http(s)', () => {
    expect(answerProblems(chevereto, { siteUrl: 'ftp://images.example.com', apiKey: 'k' })).toHaveLength(1);
  });

  it('the token step: no reply (a reset) is a named, retryable failure, and no upload is sent', async () => {
    const mediawiki = HOST_PRESETS.find((preset) => preset.id === 'mediawiki') as HostPreset;
    const requests: Request[] = [];
    const effects: SendEffects = {
      fetch: async (request) => {
        requests.push(request);
        throw new TypeError('Failed to fetch');
      },
      setTimer: () => () => {},
      now: () => 0,
    };
    const destination = snapshotOf(fillPreset(mediawiki, example('mediawiki').answers));
    const { outcome } = await sendUpload({ destination, name: 'photo.jpg', idempotencyKey: 'k' }, IMAGE, effects, {
      replyTimeoutMs: async () => 30_000,
    });
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    expect(outcome).toMatchObject({ ok: false, kind: 'reset' });
    expect(outcome.ok === false && outcome.error).toMatch(/^Token step: Network error/);
  });

  it('the MediaWiki token step: a signed-out wiki (an HTML sign-in page) is named, and no upload is sent', async () => {
    const mediawiki = HOST_PRESETS.find((preset) => preset.id === 'mediawiki') as HostPreset;
    const recorded = example('mediawiki');
    const requests: Request[] = [];
    const effects: SendEffects = {
      fetch: async (request) => {
        requests.push(request);
        return new Response('<!doctype html><title>Log in</title>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        });
      },
      setTimer: () => () => {},
      now: () => 0,
    };
    const destination = snapshotOf(fillPreset(mediawiki, recorded.answers));
    const { outcome } = await sendUpload({ destination, name: 'photo.jpg', idempotencyKey: 'k' }, IMAGE, effects, {
      replyTimeoutMs: async () => 30_000,
    });
    expect(requests).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: false, kind: 'unreadable', problem: 'html-page' });
    expect(outcome.ok === false && outcome.error).toMatch(/^Token step: /);
  });
});
