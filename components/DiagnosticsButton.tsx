import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '@/utils/i18n';
import type { QueuePlan } from '@/utils/queue/types';
import type { PanelRow } from '@/utils/queue-view/panel-rows';
import { buildDiagnostics } from '@/utils/results/diagnostics';
import { readGlobalPace } from '@/utils/settings';

/**
 * "Copy diagnostics": the batch's log for a bug report, secrets masked
 * (utils/results/diagnostics.ts). Built from what this page already has:
 * the rows (items come from the background without secrets) and the stored
 * pace, so it needs no message of its own.
 */
export function DiagnosticsButton({ rows, plan }: { rows: readonly PanelRow[]; plan: QueuePlan }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();

  async function copy() {
    try {
      const text = buildDiagnostics({
        rows,
        plan,
        pacing: await readGlobalPace(),
        extensionVersion: browser.runtime.getManifest().version,
        userAgent: navigator.userAgent,
        now: Date.now(),
      });
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <span class="diagnostics">
      <button type="button" data-testid="copy-diagnostics" disabled={rows.length === 0} onClick={() => void copy()}>
        {t('copyDiagnostics')}
      </button>
      <span role="status" data-testid="diagnostics-status" data-copied={copied}>
        {copied === 'yes' && t('diagnosticsCopied')}
        {copied === 'failed' && <span class="field-error">{t('diagnosticsCopyFailed')}</span>}
      </span>
    </span>
  );
}
