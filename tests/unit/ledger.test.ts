import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteFromHost } from '@/utils/ledger/delete-from-host';
import { sha256Hex } from '@/utils/ledger/hash';
import { entryFor, ledgerFieldsFor } from '@/utils/ledger/queue-check';
import { type LedgerStore, openLedger } from '@/utils/ledger/store';
import type { LedgerEntry } from '@/utils/ledger/types';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { QueueRunner, type RunnerEffects } from '@/utils/queue/runner';
import { openQueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import { makeSnapshot } from '../factories/destination';
import { tick } from '../factories/fake-clock';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects, okReply } from '../factories/runner-effects';

const bytes = (text: string) => new Blob([text], { type: 'image/jpeg' });

function makeEntry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: crypto.randomUUID(),
    destinationKey: 'host-a',
    destinationName: 'Host A',
    sentHash: 'a'.repeat(64),
    name: 'cat.jpg',
    size: 10,
    at: 1_000,
    resultUrl: 'https://img.example/cat.jpg',
    ...overrides,
  };
}

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('hashes %j as the SHA-256 test vector says', async (text, hex) => {
    expect(await sha256Hex(new Blob([text]))).toBe(hex);
  });

  it('tells apart files that differ in one byte', async () => {
    expect(await sha256Hex(bytes('image-1'))).not.toBe(await sha256Hex(bytes('image-2')));
  });
});

describe('the ledger store', () => {
  let ledger: LedgerStore;
  let name: string;
  beforeEach(async () => {
    name = `ledger-${crypto.randomUUID()}`;
    ledger = await openLedger(name);
  });

  it('finds an entry by the original first, then by the bytes sent, only for the same destination', async () => {
    const byOriginal = makeEntry({ id: 'o', originalHash: 'b'.repeat(64), sentHash: 'c'.repeat(64) });
    const bySent = makeEntry({ id: 's', sentHash: 'd'.repeat(64) });
    await ledger.record(byOriginal);
    await ledger.record(bySent);
    expect(await ledger.findMatch('host-a', { originalHash: 'b'.repeat(64), sentHash: 'd'.repeat(64) })).toEqual({
      entry: byOriginal,
      by: 'original',
    });
    expect(await ledger.findMatch('host-a', { originalHash: 'e'.repeat(64), sentHash: 'd'.repeat(64) })).toEqual({
      entry: bySent,
      by: 'sent',
    });
    expect(
      await ledger.findMatch('host-b', { originalHash: 'b'.repeat(64), sentHash: 'd'.repeat(64) }),
    ).toBeUndefined();
    expect(await ledger.findMatch('host-a', { sentHash: 'f'.repeat(64) })).toBeUndefined();
  });

  it('gives the newest of several matching entries', async () => {
    await ledger.record(makeEntry({ id: 'old', at: 1_000 }));
    await ledger.record(makeEntry({ id: 'new', at: 5_000 }));
    await ledger.record(makeEntry({ id: 'mid', at: 3_000 }));
    expect((await ledger.findMatch('host-a', { sentHash: 'a'.repeat(64) }))?.entry.id).toBe('new');
  });

  it('lists newest first, finds every word in name, destination, link or hash, and counts past the limit', async () => {
    await ledger.record(makeEntry({ id: '1', name: 'beach-sunset.jpg', at: 1 }));
    await ledger.record(makeEntry({ id: '2', name: 'beach-dog.webp', at: 2, destinationName: 'Team wiki' }));
    await ledger.record(makeEntry({ id: '3', name: 'receipt.png', at: 3, resultUrl: 'https://files.example/r/9' }));
    expect((await ledger.list()).entries.map((entry) => entry.id)).toEqual(['3', '2', '1']);
    expect((await ledger.list({ text: 'BEACH' })).entries.map((entry) => entry.id)).toEqual(['2', '1']);
    expect((await ledger.list({ text: 'beach wiki' })).entries.map((entry) => entry.id)).toEqual(['2']);
    expect((await ledger.list({ text: 'files.example' })).entries.map((entry) => entry.id)).toEqual(['3']);
    expect(await ledger.list({ text: 'beach', limit: 1 })).toMatchObject({ entries: [{ id: '2' }], total: 2 });
  });

  it('the same item sent again replaces its entry; remove and clear forget', async () => {
    await ledger.record(makeEntry({ id: 'x', resultUrl: 'https://img.example/1' }));
    await ledger.record(makeEntry({ id: 'x', resultUrl: 'https://img.example/2' }));
    expect((await ledger.list()).entries.map((entry) => entry.resultUrl)).toEqual(['https://img.example/2']);
    await ledger.record(makeEntry({ id: 'y' }));
    await ledger.remove('x');
    expect((await ledger.list()).total).toBe(1);
    await ledger.clear();
    expect(await ledger.list()).toEqual({ entries: [], total: 0 });
  });

  it('counters go 1, 2, 3 per destination, survive a reopen, and outlive Clear', async () => {
    expect([await ledger.nextCounter('host-a'), await ledger.nextCounter('host-a')]).toEqual([1, 2]);
    expect(await ledger.nextCounter('host-b')).toBe(1);
    await ledger.clear();
    const reopened = await openLedger(name);
    expect(await reopened.nextCounter('host-a')).toBe(3);
  });

  it('two hand-overs at once never get the same counter', async () => {
    const counters = await Promise.all(Array.from({ length: 10 }, () => ledger.nextCounter('host-a')));
    expect(new Set(counters).size).toBe(10);
  });
});

describe('checking an image against the ledger at hand-over', () => {
  let ledger: LedgerStore;
  beforeEach(async () => {
    ledger = await openLedger(`ledger-${crypto.randomUUID()}`);
  });

  it('an image not seen before: its hashes, no counter without {counter}, queued as usual', async () => {
    const fields = await ledgerFieldsFor(ledger, makeSnapshot({ id: 'host-a' }), bytes('small'), bytes('big'), 9);
    expect(fields).toEqual({
      sentHash: await sha256Hex(bytes('small')),
      originalHash: await sha256Hex(bytes('big')),
      nameCounter: undefined,
    });
  });

  it('the same original again (compressed differently): Done as already uploaded, with the earlier links', async () => {
    await ledger.record(
      makeEntry({
        id: 'first',
        at: 500,
        originalHash: await sha256Hex(bytes('big')),
        sentHash: await sha256Hex(bytes('small')),
        thumbnailUrl: 'https://img.example/t.jpg',
        deletionUrl: 'https://img.example/delete/1',
      }),
    );
    const fields = await ledgerFieldsFor(ledger, makeSnapshot({ id: 'host-a' }), bytes('other'), bytes('big'), 9);
    expect(fields).toMatchObject({
      status: 'done',
      finishedAt: 9,
      alreadyUploaded: { entryId: 'first', at: 500, by: 'original' },
      resultUrl: 'https://img.example/cat.jpg',
      thumbnailUrl: 'https://img.example/t.jpg',
      deletionUrl: 'https://img.example/delete/1',
    });
  });

  it('the same bytes to another destination are sent', async () => {
    await ledger.record(makeEntry({ sentHash: await sha256Hex(bytes('small')) }));
    const fields = await ledgerFieldsFor(ledger, makeSnapshot({ id: 'host-b' }), bytes('small'), undefined, 9);
    expect(fields.alreadyUploaded).toBeUndefined();
  });

  it('gives out a counter when the file-name template uses {counter}', async () => {
    const destination = makeSnapshot({ id: 'host-a', fileNameTemplate: '{name}-{counter}' });
    const first = await ledgerFieldsFor(ledger, destination, bytes('1'), undefined, 9);
    const second = await ledgerFieldsFor(ledger, destination, bytes('2'), undefined, 9);
    expect([first.nameCounter, second.nameCounter]).toEqual([1, 2]);
  });

  it("a page's own form or uploader keeps no ledger", async () => {
    const destination = { ...makeSnapshot({ id: 'page-form' }), page: { kind: 'form' as const } };
    expect(await ledgerFieldsFor(ledger, destination, bytes('1'), undefined, 9)).toEqual({});
  });

  it.each<[string, Partial<QueueItem>, boolean]>([
    ['done and hashed', {}, true],
    ['not done', { status: 'failed' }, false],
    ['already uploaded (nothing was sent)', { alreadyUploaded: { entryId: 'e', at: 1, by: 'sent' } }, false],
    ['not confirmed by the site', { unconfirmed: true }, false],
    ['never hashed', { sentHash: undefined }, false],
  ])('an entry is written for an item %s: %s', (_what, overrides, written) => {
    const item = makeQueueItem({ status: 'done', sentHash: 'a'.repeat(64), finishedAt: 7, ...overrides });
    expect(entryFor(item) !== undefined).toBe(written);
  });

  it('the entry names the file as the host received it (the template applied)', () => {
    const item = makeQueueItem({
      status: 'done',
      name: 'cat.webp',
      sentHash: '0123456789abcdef'.repeat(4),
      destination: makeSnapshot({ fileNameTemplate: '{hash}' }),
      resultUrl: 'https://img.example/01234567.webp',
      finishedAt: 7,
    });
    expect(entryFor(item)).toMatchObject({
      name: '01234567.webp',
      at: 7,
      resultUrl: 'https://img.example/01234567.webp',
    });
  });
});

describe('Delete from host', () => {
  it.each<[string, () => Promise<Response>, boolean]>([
    ['a 2xx removes the entry', async () => new Response('deleted'), true],
    ['a 404 keeps it and says so', async () => new Response('no', { status: 404 }), false],
    [
      'an unreachable host keeps it',
      async () => {
        throw new TypeError('Failed to fetch');
      },
      false,
    ],
  ])('%s', async (_what, answer, removed) => {
    const ledger = await openLedger(`ledger-${crypto.randomUUID()}`);
    await ledger.record(makeEntry({ id: 'e', deletionUrl: 'https://img.example/delete/abc' }));
    const requests: Request[] = [];
    const result = await deleteFromHost(ledger, 'e', (request) => {
      requests.push(request);
      return answer();
    });
    expect(requests.map((request) => [request.method, request.url])).toEqual([
      ['GET', 'https://img.example/delete/abc'],
    ]);
    expect(result.ok).toBe(removed);
    expect(await ledger.get('e')).toEqual(removed ? undefined : expect.objectContaining({ id: 'e' }));
  });

  it('never requests a deletion URL that is not http(s), nor one the entry lacks', async () => {
    const ledger = await openLedger(`ledger-${crypto.randomUUID()}`);
    await ledger.record(makeEntry({ id: 'js', deletionUrl: 'javascript:alert(1)' }));
    await ledger.record(makeEntry({ id: 'none' }));
    const fetchFn = vi.fn(async () => new Response(''));
    expect((await deleteFromHost(ledger, 'js', fetchFn)).ok).toBe(false);
    expect((await deleteFromHost(ledger, 'none', fetchFn)).ok).toBe(false);
    expect(fetchFn).not.toHaveBeenCalled();
  });
});

/** A runner over a fresh store, no pause between uploads, every upload answered OK and counted. */
async function countingRunner(overrides: Partial<RunnerEffects> = {}) {
  const store = await openQueueStore(`queue-${crypto.randomUUID()}`);
  const requests: Request[] = [];
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      readPacing: async () => ({ ...DEFAULT_PACE, delayMs: 0, paused: false }),
      async fetch(request) {
        requests.push(request);
        return okReply();
      },
      ...overrides,
    }),
  );
  return { store, runner, requests };
}

describe('the runner with the ledger (fake clock, real stores)', () => {
  const T0 = 1_000_000;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records a Done upload; the same image again is not sent until "Send again anyway"', async () => {
    const ledger = await openLedger(`ledger-${crypto.randomUUID()}`);
    const { store, runner, requests } = await countingRunner({
      async onDone(item) {
        const entry = entryFor(item);
        if (entry) await ledger.record(entry);
      },
    });
    const destination = makeSnapshot({ id: 'host-a' });
    const hand = async (id: string, blob: Blob) => {
      const fields = await ledgerFieldsFor(ledger, destination, blob, undefined, Date.now());
      await store.add(withoutSeq(makeQueueItem({ id, destination, destinationKey: 'host-a', ...fields })), blob);
      await runner.pump();
      await tick(100);
    };

    await hand('first', bytes('cat'));
    expect(requests).toHaveLength(1);
    expect((await ledger.list()).entries).toMatchObject([{ id: 'first', resultUrl: 'https://cdn.example/x.jpg' }]);

    await hand('again', bytes('cat'));
    expect(requests).toHaveLength(1);
    expect(await store.get('again')).toMatchObject({
      status: 'done',
      alreadyUploaded: { entryId: 'first', by: 'sent' },
      resultUrl: 'https://cdn.example/x.jpg',
    });
    // Its bytes stay, for "Send again anyway".
    expect(await store.getBlob('again')).toBeDefined();

    await runner.control({ kind: 'send-again', itemId: 'again' });
    await tick(100);
    expect(requests).toHaveLength(2);
    expect(await store.get('again')).toMatchObject({ status: 'done', alreadyUploaded: undefined });
    expect((await ledger.list()).entries.map((entry) => entry.id).sort()).toEqual(['again', 'first']);
  });

  it('"Send again anyway" does nothing to an item that was really sent', async () => {
    const { store, runner, requests } = await countingRunner();
    await store.add(withoutSeq(makeQueueItem({ id: 'sent' })), bytes('x'));
    await runner.pump();
    await tick(100);
    await runner.control({ kind: 'send-again', itemId: 'sent' });
    await tick(100);
    expect(requests).toHaveLength(1);
  });
});
