import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import {
  type DestinationSummary,
  readDestinationSummaries,
  watchDestinationSummaries,
} from '@/utils/destination-summary';
import { hasAccess, originLabel, requestAccess } from '@/utils/destinations/access';
import { type PageForm, snapshotFromPageForm } from '@/utils/destinations/page-form';
import { t, tl } from '@/utils/i18n';
import { LocalizedError } from '@/utils/localized';
import { type DestinationChoice, sendMessage } from '@/utils/messages';
import type { PageUploader } from '@/utils/page-uploaders/find';
import { activeDestinationIdSetting } from '@/utils/settings';
import { type FieldValues, missingField, PageFormFields, withFieldValues } from './PageFormFields';

const FORM_PREFIX = 'form:';
const UPLOADER_PREFIX = 'uploader:';

/**
 * The panel's "Upload to": the configured destinations and this page's upload
 * forms (offered with a one-click button; chosen by default only when no
 * destination is configured; the chosen form is outlined on the page).
 * Reports the choice only when Cadence may send to its origin; otherwise it
 * says so and offers to ask again.
 */
export function DestinationPicker({
  onChange,
}: {
  /** `saved` is the chosen destination itself, for what it asks of compression. */
  onChange: (choice: DestinationChoice | null, saved?: DestinationSummary) => void;
}) {
  const [destinations, setDestinations] = useState<DestinationSummary[]>([]);
  const [forms, setForms] = useState<PageForm[]>([]);
  const [uploaders, setUploaders] = useState<PageUploader[]>([]);
  const [selected, setSelected] = useState('');
  const [access, setAccess] = useState<'checking' | 'granted' | 'missing'>('checking');
  const [refused, setRefused] = useState(false);
  // What the person filled into the chosen form's fields, for the whole batch.
  const [fieldValues, setFieldValues] = useState<FieldValues>({});
  // Bumped when permissions change elsewhere (e.g. granted in the options page), to check again.
  const [permissionsRevision, setPermissionsRevision] = useState(0);

  useEffect(() => {
    const bump = () => setPermissionsRevision((revision) => revision + 1);
    browser.permissions.onAdded.addListener(bump);
    browser.permissions.onRemoved.addListener(bump);
    return () => {
      browser.permissions.onAdded.removeListener(bump);
      browser.permissions.onRemoved.removeListener(bump);
    };
  }, []);

  useEffect(() => {
    let formsFound: PageForm[] = [];
    void Promise.all([
      readDestinationSummaries(),
      activeDestinationIdSetting.getValue(),
      sendMessage('page/find-forms', undefined).catch(() => [] as PageForm[]),
      sendMessage('page/find-uploaders', undefined).catch(() => [] as PageUploader[]),
    ]).then(([saved, activeId, pageForms, pageUploaders]) => {
      formsFound = pageForms;
      setDestinations(saved);
      setForms(pageForms);
      setUploaders(pageUploaders);
      // The user's own destination stays the default: a page form is offered, never
      // chosen behind their back, unless there is nothing else to upload to.
      const savedChoice = saved.some((destination) => destination.id === activeId) ? activeId : saved[0]?.id;
      if (savedChoice) setSelected(savedChoice);
      else if (pageForms.length > 0) choose(`${FORM_PREFIX}0`);
      else if (pageUploaders.length > 0) choose(`${UPLOADER_PREFIX}0`);
    });
    const stopWatching = watchDestinationSummaries(setDestinations);
    return () => {
      stopWatching();
      if (formsFound.length > 0) void sendMessage('page/highlight-form', { index: null }).catch(() => {});
      void sendMessage('page/highlight-uploader', { index: null }).catch(() => {});
    };
  }, []);

  const form = selected.startsWith(FORM_PREFIX) ? forms[Number(selected.slice(FORM_PREFIX.length))] : undefined;
  const uploader = selected.startsWith(UPLOADER_PREFIX)
    ? uploaders[Number(selected.slice(UPLOADER_PREFIX.length))]
    : undefined;
  const destination = form || uploader ? undefined : destinations.find((candidate) => candidate.id === selected);
  const targetUrl = form?.action ?? destination?.accessUrl;
  /** The chosen form as it will be sent; null while a field it needs is empty (nothing is taken until then). */
  const filledForm = form && withFieldValues(form, fieldValues);
  // Why this form cannot be sent as a browser would (a GET form, a charset Cadence cannot write);
  // a required field left empty is said by the fields themselves.
  const formRefusal =
    form && missingField(form, fieldValues) === undefined && filledForm ? snapshotFromPageForm(filledForm) : undefined;
  const formChoice = (): DestinationChoice | null =>
    filledForm && missingField(filledForm, {}) === undefined && !(formRefusal instanceof LocalizedError)
      ? { kind: 'page-form', form: filledForm }
      : null;

  useEffect(() => {
    setRefused(false);
    if (uploader) {
      // The page sends with its own access: nothing for Cadence to be allowed.
      setAccess('granted');
      onChange({ kind: 'page-uploader', uploader });
      return;
    }
    if (targetUrl === undefined) {
      setAccess('missing');
      onChange(null);
      return;
    }
    setAccess('checking');
    let current = true;
    void hasAccess(targetUrl).then((granted) => {
      if (!current) return;
      setAccess(granted ? 'granted' : 'missing');
      if (!granted) onChange(null);
      else if (form) onChange(formChoice());
      else if (destination) onChange({ kind: 'saved', id: destination.id }, destination);
    });
    return () => {
      current = false;
    };
  }, [selected, targetUrl, form, uploader, destination, permissionsRevision, fieldValues]);

  function choose(value: string) {
    setSelected(value);
    setFieldValues({});
    const index = value.startsWith(FORM_PREFIX) ? Number(value.slice(FORM_PREFIX.length)) : null;
    void sendMessage('page/highlight-form', { index }).catch(() => {});
    const uploaderIndex = value.startsWith(UPLOADER_PREFIX) ? Number(value.slice(UPLOADER_PREFIX.length)) : null;
    void sendMessage('page/highlight-uploader', { index: uploaderIndex }).catch(() => {});
    if (index === null && uploaderIndex === null && value) void activeDestinationIdSetting.setValue(value);
  }

  /** One click: choose the first form and, in the same gesture, ask for its origin if needed. */
  function usePageForm() {
    const [first] = forms;
    if (!first) return;
    void requestAccess(first.action).then(() => setPermissionsRevision((revision) => revision + 1));
    choose(`${FORM_PREFIX}0`);
  }

  function askAgain() {
    if (targetUrl === undefined) return;
    // In the click itself: Chrome asks the user only during a gesture.
    void requestAccess(targetUrl).then((granted) => {
      setRefused(!granted);
      setAccess(granted ? 'granted' : 'missing');
      if (granted && form) onChange(formChoice());
      else if (granted && destination) onChange({ kind: 'saved', id: destination.id }, destination);
    });
  }

  /** Hovering an uploader in the panel outlines it on the page; leaving puts back the chosen one's outline. */
  function outlineUploader(index: number | null) {
    void sendMessage('page/highlight-uploader', { index: index ?? uploader?.index ?? null }).catch(() => {});
  }

  const nothingToChoose = forms.length === 0 && destinations.length === 0 && uploaders.length === 0;
  return (
    <div class="destination-picker">
      {nothingToChoose ? (
        <p class="muted" data-testid="no-destinations">
          {t('noDestinations')}
        </p>
      ) : (
        <label>
          {t('destinationLabel')}
          <select name="destination" value={selected} onChange={(event) => choose(event.currentTarget.value)}>
            {forms.length > 0 && (
              <optgroup label={t('pageFormsGroup')}>
                {forms.map((pageForm) => (
                  <option key={pageForm.index} value={`${FORM_PREFIX}${pageForm.index}`}>
                    {t('pageFormOption', pageForm.label)}
                  </option>
                ))}
              </optgroup>
            )}
            {uploaders.length > 0 && (
              <optgroup label={t('pageUploadersGroup')}>
                {uploaders.map((pageUploader) => (
                  <option key={pageUploader.index} value={`${UPLOADER_PREFIX}${pageUploader.index}`}>
                    {t('pageUploaderOption', pageUploader.label)}
                  </option>
                ))}
              </optgroup>
            )}
            {destinations.length > 0 && (
              <optgroup label={t('savedDestinationsGroup')}>
                {destinations.map((saved) => (
                  <option key={saved.id} value={saved.id}>
                    {saved.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
      )}
      <a
        href={browser.runtime.getURL('/options.html')}
        target="_blank"
        rel="noopener"
        data-testid="manage-destinations"
      >
        {t('manageDestinations')}
      </a>
      {form && (
        <p class="muted" data-testid="page-form-note">
          {t('pageFormNote')}
        </p>
      )}
      {formRefusal instanceof LocalizedError && (
        <p class="field-error" role="alert" data-testid="page-form-refused">
          {tl(formRefusal.localized)}
        </p>
      )}
      {form && (
        <PageFormFields
          form={form}
          values={fieldValues}
          onInput={(part, value) => setFieldValues((values) => ({ ...values, [part]: value }))}
        />
      )}
      {uploader && (
        <p class="muted" data-testid="page-uploader-note">
          {t('pageUploaderNote')}
        </p>
      )}
      {!uploader && uploaders.length > 0 && (
        <div class="page-uploader-offer" data-testid="page-uploaders">
          <p>{t('pageUploadersOffer')}</p>
          <ul>
            {uploaders.map((pageUploader) => (
              <li
                key={pageUploader.index}
                onMouseEnter={() => outlineUploader(pageUploader.index)}
                onMouseLeave={() => outlineUploader(null)}
              >
                <span>{pageUploader.label}</span>{' '}
                <button
                  type="button"
                  data-testid="use-page-uploader"
                  onFocus={() => outlineUploader(pageUploader.index)}
                  onBlur={() => outlineUploader(null)}
                  onClick={() => choose(`${UPLOADER_PREFIX}${pageUploader.index}`)}
                >
                  {t('usePageUploader')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!form && forms.length > 0 && (
        <p class="page-form-offer">
          {t('pageFormOffer')}{' '}
          <button type="button" data-testid="use-page-form" onClick={usePageForm}>
            {t('usePageForm')}
          </button>
        </p>
      )}
      {targetUrl !== undefined && access === 'missing' && (
        <div class="access-missing" role="alert" data-testid="access-missing">
          <p>{t('accessMissing', originLabel(targetUrl))}</p>
          <button type="button" class="primary" data-testid="grant-access" onClick={askAgain}>
            {t('grantAccess')}
          </button>
          {refused && <p class="field-error">{t('accessRefused')}</p>}
        </div>
      )}
    </div>
  );
}
