import { useState } from 'preact/hooks';
import { isPresetId } from '@/utils/compress/presets';
import { accessUrls, requestAccess } from '@/utils/destinations/access';
import {
  type BodyKind,
  type Destination,
  type DestinationBody,
  HTTP_METHODS,
  type HttpMethod,
  isHttpUrl,
  type NameValue,
  validateDestination,
} from '@/utils/destinations/model';
import { s3DestinationUrl } from '@/utils/destinations/s3-settings';
import { type MessageKey, t, tl } from '@/utils/i18n';
import { type DestinationTestResult, sendMessage } from '@/utils/messages';
import { paceProblems } from '@/utils/pacing/pace';
import type { RateLimitSetting } from '@/utils/pacing/rate-limit';
import { DestinationPacingFields } from './DestinationPacingFields';
import { PresetOptions } from './PresetPicker';
import { TokenStepFields } from './TokenStepFields';
import { TransportFields } from './TransportFields';

/** "Name: value" per line (headers) or "name=value" per line (fields): quick to type and to paste. */
function pairsToText(pairs: NameValue[], separator: string): string {
  return pairs.map((pair) => `${pair.name}${separator}${pair.value}`).join('\n');
}

function textToPairs(text: string, separator: string): NameValue[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const at = line.indexOf(separator);
      return at === -1
        ? { name: line.trim(), value: '' }
        : { name: line.slice(0, at).trim(), value: line.slice(at + separator.length).trimStart() };
    });
}

/** The reply's templates, each an input named (and labelled) by its message key. */
const REPLY_FIELDS: { part: keyof Destination['reply']; name: MessageKey }[] = [
  { part: 'url', name: 'replyUrl' },
  { part: 'thumbnailUrl', name: 'replyThumbnailUrl' },
  { part: 'deletionUrl', name: 'replyDeletionUrl' },
  { part: 'errorMessage', name: 'replyErrorMessage' },
];

function bodyOfKind(kind: BodyKind, previous: DestinationBody): DestinationBody {
  const fields = previous.kind === 'multipart' || previous.kind === 'form-urlencoded' ? previous.fields : [];
  switch (kind) {
    case 'multipart':
      return { kind, fileField: previous.kind === 'multipart' ? previous.fileField : 'file', fields };
    case 'binary':
      return { kind };
    case 'json':
      return { kind, template: '{"image": "{base64}", "name": "{filename}"}' };
    case 'form-urlencoded':
      return { kind, fields: fields.length > 0 ? fields : [{ name: 'image', value: '{base64}' }] };
  }
}

export interface EditorProps {
  initial: Destination;
  /** Shown above the form, e.g. what a .sxcu import could not carry over. */
  notes?: string[];
  credentials?: string[];
  onSave(destination: Destination): Promise<void>;
  onCancel(): void;
}

/** Edits one destination; saving asks for its origin's host permission in the same click. */
export function DestinationEditor({ initial, notes = [], credentials = [], onSave, onCancel }: EditorProps) {
  const [draft, setDraft] = useState<Destination>(initial);
  const [headersText, setHeadersText] = useState(pairsToText(initial.headers, ': '));
  const [fieldsText, setFieldsText] = useState(
    initial.body.kind === 'multipart' || initial.body.kind === 'form-urlencoded'
      ? pairsToText(initial.body.fields, '=')
      : '',
  );
  const [saveState, setSaveState] = useState<'saved' | 'saved-no-access' | undefined>();
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<DestinationTestResult | undefined>();
  const problems = [...validateDestination(draft), ...(draft.pacing ? paceProblems(draft.pacing) : [])];

  const update = (patch: Partial<Destination>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setSaveState(undefined);
  };
  const updateRateLimit = (patch: Partial<RateLimitSetting>) => {
    const next = { headerPrefix: '', bodyPattern: '', ...draft.rateLimit, ...patch };
    // Both empty: the destination has no words of its own, as one saved before the setting existed.
    update({ rateLimit: next.headerPrefix.trim() || next.bodyPattern.trim() ? next : undefined });
  };
  const updateReply = (key: keyof Destination['reply'], value: string) =>
    update({ reply: { ...draft.reply, [key]: value } });
  const setFields = (text: string) => {
    setFieldsText(text);
    const { body } = draft;
    if (body.kind === 'multipart' || body.kind === 'form-urlencoded')
      update({ body: { ...body, fields: textToPairs(text, '=') } });
  };

  function save() {
    // Asked first, in the click: Chrome shows the prompt only during a user gesture.
    const asking = requestAccess(...accessUrls(draft));
    void onSave(draft).then(async () => setSaveState((await asking) ? 'saved' : 'saved-no-access'));
  }

  function test() {
    const asking = requestAccess(...accessUrls(draft));
    setTesting(true);
    setTestResult(undefined);
    void asking
      .then(() => sendMessage('destination/test', draft))
      .then(setTestResult, (error: unknown) => setTestResult({ ok: false, excerpt: '', error: String(error) }))
      .finally(() => setTesting(false));
  }

  const { body } = draft;
  return (
    <form
      class="destination-editor"
      data-testid="destination-editor"
      onSubmit={(event) => {
        event.preventDefault();
        if (problems.length === 0) save();
      }}
    >
      {credentials.length > 0 && (
        <p class="warning" role="alert" data-testid="credentials-warning">
          {t('importCredentialsWarning', credentials.join(', '))}
        </p>
      )}
      {notes.length > 0 && (
        <ul class="import-notes" data-testid="import-notes">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <label>
        {t('destinationName')}
        <input name="name" value={draft.name} onInput={(event) => update({ name: event.currentTarget.value })} />
      </label>
      <div class="settings-row">
        <label class="narrow">
          {t('destinationMethod')}
          <select
            name="method"
            value={draft.method}
            onChange={(event) => update({ method: event.currentTarget.value as HttpMethod })}
          >
            {HTTP_METHODS.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </label>
        <label>
          {t('destinationUrl')}
          <input
            name="url"
            value={draft.url}
            placeholder="https://img.example/api/upload?album={random:a|b}"
            onInput={(event) => update({ url: event.currentTarget.value })}
          />
        </label>
      </div>
      <label>
        {t('destinationBody')}
        <select
          name="body"
          value={body.kind}
          onChange={(event) => {
            const next = bodyOfKind(event.currentTarget.value as BodyKind, body);
            update({ body: next });
            if (next.kind === 'multipart' || next.kind === 'form-urlencoded')
              setFieldsText(pairsToText(next.fields, '='));
          }}
        >
          <option value="multipart">{t('bodyMultipart')}</option>
          <option value="binary">{t('bodyBinary')}</option>
          <option value="json">{t('bodyJson')}</option>
          <option value="form-urlencoded">{t('bodyFormUrlencoded')}</option>
        </select>
      </label>
      <TransportFields
        value={draft.transport}
        // An S3 destination's URL is its bucket's: what access is asked for, and where its requests go.
        onChange={(transport) =>
          update({ transport, ...(transport?.kind === 's3-multipart' ? { url: s3DestinationUrl(transport) } : {}) })
        }
      />
      {body.kind === 'multipart' && (
        <label>
          {t('fieldNameLabel')}
          <input
            name="fileField"
            value={body.fileField}
            onInput={(event) => update({ body: { ...body, fileField: event.currentTarget.value } })}
          />
        </label>
      )}
      {(body.kind === 'multipart' || body.kind === 'form-urlencoded') && (
        <label>
          {t('destinationFields')}
          <textarea
            name="fields"
            rows={3}
            value={fieldsText}
            onInput={(event) => setFields(event.currentTarget.value)}
          />
        </label>
      )}
      {body.kind === 'json' && (
        <label>
          {t('destinationJsonTemplate')}
          <textarea
            name="jsonTemplate"
            rows={3}
            value={body.template}
            onInput={(event) => update({ body: { kind: 'json', template: event.currentTarget.value } })}
          />
        </label>
      )}
      <label>
        {t('destinationHeaders')}
        <textarea
          name="headers"
          rows={2}
          value={headersText}
          placeholder="Authorization: Bearer …"
          onInput={(event) => {
            setHeadersText(event.currentTarget.value);
            update({ headers: textToPairs(event.currentTarget.value, ':') });
          }}
        />
      </label>
      <label class="checkbox">
        <input
          type="checkbox"
          name="sendCookies"
          checked={draft.sendCookies}
          onChange={(event) => update({ sendCookies: event.currentTarget.checked })}
        />
        {t('destinationSendCookies')}
      </label>
      <TokenStepFields
        value={draft.tokenRequest}
        onChange={(tokenRequest) => {
          const { tokenRequest: _old, ...rest } = draft;
          setDraft(tokenRequest ? { ...rest, tokenRequest } : rest);
          setSaveState(undefined);
        }}
      />
      <fieldset>
        <legend>{t('destinationReply')}</legend>
        {REPLY_FIELDS.map(({ part, name }) => (
          <label key={name}>
            {t(name)}
            <input
              name={name}
              value={draft.reply[part]}
              onInput={(event) => updateReply(part, event.currentTarget.value)}
            />
          </label>
        ))}
        <label>
          {t('successStatuses')}
          <input
            name="successStatuses"
            value={draft.successStatuses}
            onInput={(event) => update({ successStatuses: event.currentTarget.value })}
          />
        </label>
        <p class="muted">{t('templateHelp')}</p>
        <label>
          {t('fileNameTemplate')}
          <input
            name="fileNameTemplate"
            placeholder="{name}"
            value={draft.fileNameTemplate ?? ''}
            onInput={(event) => update({ fileNameTemplate: event.currentTarget.value || undefined })}
          />
        </label>
        <p class="muted">{t('fileNameTemplateHelp')}</p>
      </fieldset>
      <fieldset data-testid="rate-limit-fields">
        <legend>{t('rateLimitLegend')}</legend>
        <p class="muted">{t('rateLimitHint')}</p>
        <label>
          {t('rateLimitHeaderPrefix')}
          <input
            name="rateLimitHeaderPrefix"
            placeholder="X-Post-Rate-Limit-"
            value={draft.rateLimit?.headerPrefix ?? ''}
            onInput={(event) => updateRateLimit({ headerPrefix: event.currentTarget.value })}
          />
        </label>
        <label>
          {t('rateLimitBodyPattern')}
          <input
            name="rateLimitBodyPattern"
            placeholder="json:ratelimited"
            value={draft.rateLimit?.bodyPattern ?? ''}
            onInput={(event) => updateRateLimit({ bodyPattern: event.currentTarget.value })}
          />
        </label>
      </fieldset>
      <div class="settings-row">
        <label>
          {t('destinationCompressionPreset')}
          <select
            name="compressionPreset"
            value={isPresetId(draft.compressionPresetId) ? draft.compressionPresetId : ''}
            onChange={(event) => update({ compressionPresetId: event.currentTarget.value || null })}
          >
            <option value="">{t('presetGlobalDefault')}</option>
            <PresetOptions />
          </select>
        </label>
        <label>
          {t('transparentAsLabel')}
          <select
            name="transparentAs"
            value={draft.transparentAs}
            onChange={(event) => update({ transparentAs: event.currentTarget.value === 'png' ? 'png' : 'webp' })}
          >
            <option value="webp">{t('transparentAsWebp')}</option>
            <option value="png">{t('transparentAsPng')}</option>
          </select>
        </label>
        <label>
          {t('photosAsLabel')}
          <select
            name="photosAs"
            value={draft.photosAs ?? 'jpeg'}
            onChange={(event) => update({ photosAs: event.currentTarget.value === 'webp' ? 'webp' : 'jpeg' })}
          >
            <option value="jpeg">{t('photosAsJpeg')}</option>
            <option value="webp">{t('photosAsWebp')}</option>
          </select>
        </label>
      </div>
      <DestinationPacingFields value={draft.pacing} onChange={(pacing) => update({ pacing })} />
      {problems.length > 0 && (
        <ul class="field-error" data-testid="destination-problems">
          {problems.map((problem) => (
            <li key={`${problem.field}:${problem.message}`} data-field={problem.field}>
              {tl(problem.fieldText)}: {tl(problem.text)}
            </li>
          ))}
        </ul>
      )}
      <div class="footer-row">
        <button type="submit" class="primary" data-testid="save-destination" disabled={problems.length > 0}>
          {t('save')}
        </button>
        <button type="button" data-testid="test-destination" disabled={problems.length > 0 || testing} onClick={test}>
          {testing ? t('testing') : t('testDestination')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('close')}
        </button>
      </div>
      {saveState && (
        <p class={saveState === 'saved' ? 'ok' : 'warning'} data-testid="save-state" role="status">
          {saveState === 'saved' ? t('saved') : t('savedNoAccess')}
        </p>
      )}
      {testResult && <TestResult result={testResult} />}
    </form>
  );
}

function TestResult({ result }: { result: DestinationTestResult }) {
  return (
    <div class={`test-result ${result.ok ? 'ok' : 'bad'}`} data-testid="test-result" data-ok={result.ok}>
      <p>
        {result.status !== undefined ? <span data-testid="test-status">HTTP {result.status}</span> : t('testNoReply')}
        {result.ok ? ` · ${t('testOk')}` : ''}
      </p>
      {result.resultUrl && (
        <p>
          {t('replyUrl')}:{' '}
          {isHttpUrl(result.resultUrl) ? (
            <a href={result.resultUrl} target="_blank" rel="noopener noreferrer" data-testid="test-url">
              {result.resultUrl}
            </a>
          ) : (
            <span data-testid="test-url">{result.resultUrl}</span>
          )}
        </p>
      )}
      {result.thumbnailUrl && (
        <p>
          {t('replyThumbnailUrl')}: {result.thumbnailUrl}
        </p>
      )}
      {result.deletionUrl && (
        <p>
          {t('replyDeletionUrl')}: {result.deletionUrl}
        </p>
      )}
      {result.error && (
        <p class="field-error" data-testid="test-error">
          {result.error}
        </p>
      )}
      {result.excerpt && <pre data-testid="test-excerpt">{result.excerpt}</pre>}
    </div>
  );
}
