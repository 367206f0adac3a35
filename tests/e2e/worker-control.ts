import type { CDPSession, Page } from 'playwright-core';
import type { LaunchedBrowser } from '../../scripts/lib/browser';

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * Watches and stops the extension's service worker through the DevTools
 * protocol, the way Chrome itself stops it: `ServiceWorker.stopWorker`
 * throws away every global, exactly like the idle timeout.
 */
export interface WorkerControl {
  status(): RunningStatus | undefined;
  /** How many times the worker went from stopped to running. */
  restarts(): number;
  stop(): Promise<void>;
  waitUntilRunning(timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: RunningStatus;
}

export async function controlServiceWorker(launched: LaunchedBrowser): Promise<WorkerControl> {
  const page: Page = await launched.context.newPage();
  const session: CDPSession = await launched.context.newCDPSession(page);
  const scriptPrefix = `chrome-extension://${launched.extensionId}/`;
  let version: WorkerVersion | undefined;
  let restarts = 0;
  let sawStopped = false;
  const listeners = new Set<() => void>();
  session.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: WorkerVersion[] }) => {
    for (const candidate of versions) {
      if (!candidate.scriptURL.startsWith(scriptPrefix)) continue;
      version = candidate;
      if (candidate.runningStatus === 'stopped') sawStopped = true;
      if (candidate.runningStatus === 'running' && sawStopped) {
        sawStopped = false;
        restarts += 1;
      }
      for (const listener of listeners) listener();
    }
  });
  await session.send('ServiceWorker.enable');

  const waitFor = (check: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`service worker not ${what} within ${timeoutMs} ms (status ${version?.runningStatus})`));
      }, timeoutMs);
      function listener() {
        if (!check()) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve();
      }
      listeners.add(listener);
    });

  await waitFor(() => version !== undefined, 'seen', 10_000);
  return {
    status: () => version?.runningStatus,
    restarts: () => restarts,
    async stop() {
      await waitFor(() => version?.runningStatus === 'running', 'running', 10_000);
      await session.send('ServiceWorker.stopWorker', { versionId: (version as WorkerVersion).versionId });
      await waitFor(() => version?.runningStatus === 'stopped', 'stopped', 10_000);
    },
    waitUntilRunning: (timeoutMs = 60_000) => waitFor(() => version?.runningStatus === 'running', 'running', timeoutMs),
    async dispose() {
      await session.detach().catch(() => {});
      await page.close().catch(() => {});
    },
  };
}
