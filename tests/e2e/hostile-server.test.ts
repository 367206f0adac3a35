import type { Frame, FrameLocator } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HostileReply, HUGE_REPLY_BYTES } from '../../scripts/lib/faults';
import type { ReplyProblem } from '../../utils/queue/types';
import { type Harness, makeSamples, openConfiguredPanel, openOptions, smallPhotos, startHarness } from './harness';

/** Each hostile server behaviour, the file it answers that way, the name the row must show, and a bit of excerpt. */
const HOSTILE: { file: string; reply: HostileReply; problem: ReplyProblem; text: string; excerpt: string }[] = [
  {
    file: 'html-page.jpg',
    reply: 'html-200',
    problem: 'html-page',
    text: 'The server answered with an HTML page, not the expected reply',
    excerpt: 'Service temporarily unavailable Something went wrong',
  },
  {
    file: 'bad-json.jpg',
    reply: 'invalid-json',
    problem: 'invalid-json',
    text: 'The reply is not valid JSON',
    excerpt: '"size": 12,, oops',
  },
  {
    file: 'login.jpg',
    reply: 'login-redirect',
    problem: 'sign-in-redirect',
    text: 'Redirected to a sign-in page',
    excerpt: 'Sign in Sign in to continue',
  },
  {
    file: 'expired.jpg',
    reply: 401,
    problem: 'sign-in-required',
    text: 'Sign-in required (401)',
    excerpt: 'token expired, sign in again',
  },
  { file: 'refused.jpg', reply: 403, problem: 'forbidden', text: 'Access refused (403)', excerpt: '403 Forbidden' },
  {
    file: 'too-big.jpg',
    reply: 413,
    problem: 'too-large-for-server',
    text: 'File too large for the server (413)',
    excerpt: '413 Request Entity Too Large',
  },
  {
    file: 'endless.jpg',
    reply: 'never-ends',
    problem: 'reply-never-finished',
    text: 'Reply never finished',
    excerpt: '{"url":',
  },
  {
    file: 'cut-off.jpg',
    reply: 'close-mid-reply',
    problem: 'closed-mid-reply',
    text: 'Connection closed mid-reply',
    excerpt: '',
  },
  {
    file: 'huge-reply.jpg',
    reply: 'huge-body',
    problem: 'reply-too-large',
    text: 'Reply too large (the rest was not read)',
    excerpt: '{"padding":"xxxx',
  },
];

const SECRET_TOKEN = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const SECRET_QUERY = 'qk_9f8e7d6c5b4a39281706';

const row = (panel: FrameLocator, name: string) => panel.locator('[data-testid=item-row]', { hasText: name });

describe('hostile or broken servers', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({
      faults: { hostile: Object.fromEntries(HOSTILE.map((hostile) => [hostile.file, hostile.reply])) },
    });
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('each reply becomes a named error with a short excerpt, retried only as the policy says, and the batch goes on; "Copy diagnostics" names them with no secret', async () => {
    // The reply timeout is a user setting: 1 s here, so the never-ending reply is given up quickly.
    const options = await openOptions(harness);
    await options.locator('input[name=replyTimeout]').fill('1');
    await options.waitForFunction(
      async () => (await chrome.storage.local.get('replyTimeoutMs')).replyTimeoutMs === 1000,
    );
    await options.close();

    const samples = await makeSamples(harness, [
      ...smallPhotos(2, 'good'),
      ...HOSTILE.map((hostile, index) => ({
        name: hostile.file,
        type: 'image/jpeg' as const,
        width: 320,
        height: 240,
        seed: index + 10,
      })),
    ]);
    // A good file first, one in the middle and one last, so "the rest goes on" is seen on both sides.
    const [firstGood, lastGood] = samples as [(typeof samples)[number], (typeof samples)[number]];
    const hostileSamples = samples.slice(2);
    const ordered = [firstGood, ...hostileSamples.slice(0, 5), lastGood, ...hostileSamples.slice(5)];

    const { panel, frame } = await openConfiguredPanel(harness, 0.3, {
      name: 'Hostile host',
      url: `${harness.receiver.uploadUrl}?api_key=${SECRET_QUERY}`,
      headers: `Authorization: Bearer ${SECRET_TOKEN}\nX-Album: holidays`,
    });
    await panel.locator('[data-testid=file-input]').setInputFiles(ordered.map((sample) => sample.path));

    const finalRows = () => panel.locator('[data-status=done], [data-status=failed]').count();
    await expect.poll(finalRows, { timeout: 45_000, interval: 250 }).toBe(ordered.length);

    // The good ones went through, around the hostile ones.
    expect(harness.receiver.uploads.map((upload) => upload.filename).sort()).toEqual(
      [firstGood.name, lastGood.name].sort(),
    );
    expect(await panel.locator('[data-status=done]').count()).toBe(2);

    const requestsFor = (file: string) => harness.receiver.requests.filter((request) => request.filename === file);
    for (const hostile of HOSTILE) {
      const hostileRow = row(panel, hostile.file);
      expect(await hostileRow.getAttribute('data-status'), hostile.file).toBe('failed');
      const error = hostileRow.locator('[data-testid=item-error]');
      expect(await error.getAttribute('data-problem'), hostile.file).toBe(hostile.problem);
      expect(await error.locator('[data-testid=item-problem]').textContent(), hostile.file).toBe(hostile.text);
      const excerpt = hostileRow.locator('[data-testid=item-excerpt]');
      if (hostile.excerpt) {
        const shown = (await excerpt.textContent()) ?? '';
        expect(shown, hostile.file).toContain(hostile.excerpt);
        expect(shown.length, hostile.file).toBeLessThanOrEqual(300);
      }
      // Retry policy: only the reply that never finished is a timeout, retried once (the retries setting's
      // default); the rest can only fail again (or the upload already landed), so they are tried once.
      expect(requestsFor(hostile.file).length, hostile.file).toBe(hostile.reply === 'never-ends' ? 2 : 1);
    }
    // No script from the HTML page ran or was kept: the excerpt is its text.
    expect(await row(panel, 'html-page.jpg').locator('[data-testid=item-excerpt]').textContent()).not.toContain(
      'tracking',
    );
    // The 50 MB reply was cut off: the server could write only part of it before the client let go.
    const huge = requestsFor('huge-reply.jpg')[0];
    expect(huge?.hostile?.bytesSent).toBeLessThan(HUGE_REPLY_BYTES);
    expect(await row(panel, 'endless.jpg').locator('[data-testid=item-error]').getAttribute('data-failure')).toBe(
      'timeout',
    );

    const diagnostics = await copyDiagnostics(harness, frame, panel);
    for (const hostile of HOSTILE) {
      expect(diagnostics).toMatch(
        new RegExp(`${hostile.file.replace('.', '\\.')}: failed[^\\n]*\\n[^#]*\\[[a-z]+/${hostile.problem}\\]`),
      );
    }
    expect(diagnostics).toContain(`${firstGood.name}: done, HTTP 200, 1 attempt`);
    expect(diagnostics).toContain('endless.jpg: failed, HTTP 200, 2 attempts (1 automatic retry)');
    expect(diagnostics).toContain('Pacing: sequential, delay 0.3 s');
    expect(diagnostics).toContain('reply timeout 1 s');
    // Masking keeps prose: the 401's own words survive.
    expect(diagnostics).toContain('reply excerpt: {"error":"token expired, sign in again"}');
    expect(diagnostics).toContain('Authorization: (not shown); X-Album: (not shown)');
    expect(diagnostics).not.toContain(SECRET_TOKEN);
    expect(diagnostics).not.toContain(SECRET_QUERY);
    // The receiver did get the secret: the masking is the extension's doing, not an empty header.
    expect(harness.receiver.uploads[0]?.headers.authorization).toBe(`Bearer ${SECRET_TOKEN}`);
  });
});

/** Clicks "Copy diagnostics" in the panel and reads the clipboard there (the panel iframe may read and write it). */
async function copyDiagnostics(harness: Harness, frame: Frame, panel: FrameLocator): Promise<string> {
  // Granted to the page's origin: an iframe's clipboard access is asked of the top-level page (the panel iframe
  // is allowed to use it by its `allow` attribute); an extension origin cannot be named here.
  await harness.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: harness.receiver.origin,
  });
  await panel.locator('[data-testid=copy-diagnostics]').click();
  await expect.poll(() => panel.locator('[data-testid=diagnostics-status]').getAttribute('data-copied')).toBe('yes');
  return frame.evaluate(() => navigator.clipboard.readText());
}
