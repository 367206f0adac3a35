import { useState } from 'preact/hooks';
import { downloadText } from '@/utils/download';
import { t } from '@/utils/i18n';
import type { QueueItem } from '@/utils/queue/types';
import { formatResultLinks, type LinkFormat, resultsToCsv, resultsToJson } from '@/utils/results/export';

/** "Copy all" result links (plain, Markdown, HTML, BBCode) in the batch's order, and export as JSON or CSV. */
export function ResultsBar({ items }: { items: QueueItem[] }) {
  const [format, setFormat] = useState<LinkFormat>('plain');
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const links = formatResultLinks(items, format);

  async function copyAll() {
    try {
      await navigator.clipboard.writeText(links);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  function download(text: string, type: string, extension: string) {
    downloadText(text, type, `cadence-results-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`);
  }

  return (
    <div class="results-bar" data-testid="results-bar">
      <select
        name="copy-format"
        aria-label={t('copyFormat')}
        value={format}
        onChange={(event) => {
          setFormat(event.currentTarget.value as LinkFormat);
          setCopied(undefined);
        }}
      >
        <option value="plain">{t('copyPlain')}</option>
        <option value="markdown">{t('copyMarkdown')}</option>
        <option value="html">{t('copyHtml')}</option>
        <option value="bbcode">{t('copyBbcode')}</option>
      </select>
      <button type="button" data-testid="copy-all" disabled={!links} onClick={() => void copyAll()}>
        {copied === 'yes' ? t('copied') : t('copyAll')}
      </button>
      <button
        type="button"
        data-testid="export-json"
        disabled={items.length === 0}
        onClick={() => download(resultsToJson(items), 'application/json', 'json')}
      >
        JSON
      </button>
      <button
        type="button"
        data-testid="export-csv"
        disabled={items.length === 0}
        onClick={() => download(resultsToCsv(items), 'text/csv', 'csv')}
      >
        CSV
      </button>
      {copied === 'failed' && <span class="field-error">{t('copyFailed')}</span>}
    </div>
  );
}
