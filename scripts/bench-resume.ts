/**
 * The resume benchmark (issue 16): one 50 MB file (random bytes, generated
 * here) over a receiver whose proxy resets every connection once the client
 * sent 8 MiB on it, sent each way Cadence can send it. Bytes sent are what
 * the clients wrote to the proxy (headers and every retried byte included);
 * bytes stored are what the server kept of the file, checked by SHA-256.
 *
 *   npm run bench:resume -- [--mb 50] [--reset-mb 8]
 *
 * Each row runs Cadence's own transport code (utils/upload/transports.ts,
 * the code the service worker runs) in Node, with Node's fetch: the byte
 * counts depend on the protocol and the chunk pace, not on the browser.
 * The whole-file POST gets the most automatic retries the settings allow
 * (3), as the queue would give it. Target: <= 1.2 bytes sent per byte
 * stored for the resumable transports; exits 1 when one misses it or does
 * not store the file whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type DestinationSnapshot,
  type DestinationTransport,
  newDestination,
  snapshotOf,
} from '../utils/destinations/model';
import { PACE_LIMITS } from '../utils/pacing/pace';
import type { TransportState } from '../utils/queue/types';
import { setTimeoutTimer } from '../utils/upload/send-request';
import { sendThroughTransport } from '../utils/upload/transports';
import { startS3Server } from './lib/s3-server';
import { type Receiver, startReceiver } from './receiver';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '50' }, 'reset-mb': { type: 'string', default: '8' } },
});
const MB = 1024 * 1024;
const fileBytes = Math.round(Number(values.mb) * MB);
const resetAfter = Math.round(Number(values['reset-mb']) * MB);
const TARGET = 1.2;

interface Row {
  name: string;
  /** Where the upload is sent and how. */
  path: string;
  transport?: DestinationTransport;
  /** Held to the target. */
  resumable: boolean;
  /** Sent to s3rver behind its own resetting proxy instead of the receiver. */
  s3?: boolean;
}

const ROWS: Row[] = [
  { name: 'whole-file POST, 3 retries', path: '/upload', resumable: false },
  { name: 'tus 1.0 (@tus/server)', path: '/tus', transport: { kind: 'tus', chunkBytes: 8 * MB }, resumable: true },
  { name: 'IETF draft (interop 8)', path: '/resumable', transport: { kind: 'ietf-resumable' }, resumable: true },
  // S3 keeps nothing of a part cut short and no part is under 5 MiB: over 8 MiB connections each one stores one
  // part and loses the start of the next (docs/s3.md, "bench:resume").
  { name: 'S3 multipart (s3rver)', path: '', s3: true, resumable: true },
];

const bytes = randomBytes(fileBytes);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const blob = new Blob([bytes], { type: 'image/jpeg' });
const dir = await mkdtemp(path.join(os.tmpdir(), 'cadence-bench-resume-'));
const receiver = await startReceiver({ dir, faults: { resetConnectionAfterBytes: resetAfter } });

interface Result {
  row: Row;
  sent: number;
  stored: number;
  whole: boolean;
  requests: number;
  resets: number;
  seconds: number;
  outcome: string;
}

/** Sends the file the way the queue would: attempts until done, at most as many retries as the settings allow. */
async function sendWithRetries(destination: DestinationSnapshot, countRequest: () => void): Promise<string> {
  let transportState: TransportState | undefined;
  let outcome = '';
  for (let attempt = 0; attempt <= PACE_LIMITS.maxRetries.max; attempt++) {
    const { outcome: result } = await sendThroughTransport(
      { destination, name: 'big.jpg', idempotencyKey: 'bench-resume', transportState, autoRetries: attempt },
      blob,
      {
        fetch: (request) => {
          countRequest();
          return fetch(request);
        },
        setTimer: setTimeoutTimer,
        now: Date.now,
      },
      {
        replyTimeoutMs: async () => 30_000,
        saveState: async (state) => {
          transportState = state;
        },
      },
    );
    outcome = result.ok ? 'done' : `${result.kind}: ${result.error}`;
    if (result.ok) break;
  }
  return outcome;
}

async function run(row: Row, receiver: Receiver): Promise<Result> {
  if (row.s3) return runS3(row);
  const proxy = receiver.proxy;
  if (!proxy) throw new Error('the receiver has no resetting proxy');
  const destination = snapshotOf(
    newDestination({ name: row.name, url: `${receiver.origin}${row.path}`, transport: row.transport }),
  );
  const sentBefore = proxy.bytesIn();
  const resetsBefore = proxy.resets();
  const uploadsBefore = receiver.uploads.length;
  const hitsBefore = receiver.hits.length;
  const started = performance.now();
  const outcome = await sendWithRetries(destination, () => {});
  const upload = receiver.uploads.slice(uploadsBefore).at(-1);
  return {
    row,
    sent: proxy.bytesIn() - sentBefore,
    stored: upload?.size ?? 0,
    whole: upload?.sha256 === sha256,
    requests: receiver.hits.length - hitsBefore,
    resets: proxy.resets() - resetsBefore,
    seconds: (performance.now() - started) / 1000,
    outcome,
  };
}

/** The S3 row: s3rver (npm) behind its own proxy resetting every connection after the same number of bytes. */
async function runS3(row: Row): Promise<Result> {
  const s3 = await startS3Server({ resetAfterBytes: () => resetAfter });
  try {
    const destination = snapshotOf(
      newDestination({ name: row.name, url: `${s3.origin}/${s3.bucket}/`, transport: s3.settings }),
    );
    let requests = 0;
    const started = performance.now();
    const outcome = await sendWithRetries(destination, () => {
      requests += 1;
    });
    const stored = await s3.object('big.jpg');
    return {
      row,
      sent: s3.proxy?.bytesIn() ?? 0,
      stored: stored?.length ?? 0,
      whole: stored !== undefined && createHash('sha256').update(stored).digest('hex') === sha256,
      requests,
      resets: s3.proxy?.resets() ?? 0,
      seconds: (performance.now() - started) / 1000,
      outcome,
    };
  } finally {
    await s3.close();
  }
}

const results: Result[] = [];
try {
  for (const row of ROWS) results.push(await run(row, receiver));
} finally {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
}

const pad = (text: string, width: number) => text.padEnd(width);
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
console.log(`\n${mb(fileBytes)} file, every connection reset after ${mb(resetAfter)} sent on it\n`);
console.log(
  `${pad('transport', 30)}${pad('sent', 11)}${pad('stored', 11)}${pad('sent/stored', 13)}${pad('requests', 10)}${pad('resets', 8)}${pad('time', 8)}outcome`,
);
let missed = false;
for (const result of results) {
  const ratio = result.stored > 0 && result.whole ? result.sent / result.stored : Number.POSITIVE_INFINITY;
  const miss = result.row.resumable && !(ratio <= TARGET);
  missed ||= miss;
  console.log(
    `${pad(result.row.name, 30)}${pad(mb(result.sent), 11)}${pad(result.whole ? mb(result.stored) : 'not whole', 11)}${pad(Number.isFinite(ratio) ? ratio.toFixed(3) : 'never', 13)}${pad(String(result.requests), 10)}${pad(String(result.resets), 8)}${pad(`${result.seconds.toFixed(1)} s`, 8)}${result.outcome.slice(0, 60)}${miss ? `  <- target <= ${TARGET}` : ''}`,
  );
}
console.log(
  `\nTarget: <= ${TARGET} bytes sent per byte stored for the resumable transports: ${missed ? 'MISSED' : 'met'}`,
);
process.exit(missed ? 1 : 0);
