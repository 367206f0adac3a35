import type { TokenRequest } from '@/utils/destinations/model';
import { t } from '@/utils/i18n';

/** The token fetched before each upload (model.ts TokenRequest): on or off, its URL and where the reply holds it. */
export function TokenStepFields({
  value,
  onChange,
}: {
  value: TokenRequest | undefined;
  onChange(value: TokenRequest | undefined): void;
}) {
  return (
    <fieldset data-testid="token-step">
      <legend>
        <label class="checkbox">
          <input
            type="checkbox"
            name="tokenStep"
            checked={value !== undefined}
            onChange={(event) => onChange(event.currentTarget.checked ? { url: '', token: '' } : undefined)}
          />
          {t('destinationTokenStep')}
        </label>
      </legend>
      {value && (
        <>
          <label>
            {t('destinationTokenUrl')}
            <input
              name="tokenUrl"
              value={value.url}
              placeholder="https://wiki.example/w/api.php?action=query&meta=tokens&format=json"
              onInput={(event) => onChange({ ...value, url: event.currentTarget.value })}
            />
          </label>
          <label>
            {t('destinationTokenReply')}
            <input
              name="tokenReply"
              value={value.token}
              placeholder="{json:query.tokens.csrftoken}"
              onInput={(event) => onChange({ ...value, token: event.currentTarget.value })}
            />
          </label>
        </>
      )}
    </fieldset>
  );
}
