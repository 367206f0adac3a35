import type { S3Settings } from '@/utils/destinations/s3-settings';
import { type MessageKey, t } from '@/utils/i18n';

/**
 * The destination editor's S3 bucket: where (endpoint, bucket, region, key
 * prefix, addressing), how requests are signed (the access key kept in the
 * background, or the user's signing endpoint), and the public address for
 * links. The secret is an extension page's field like a header's token:
 * nothing of it goes to a web page (docs/s3.md).
 */
export function S3Fields({ value, onChange }: { value: S3Settings; onChange(settings: S3Settings): void }) {
  const set = (patch: Partial<S3Settings>) => onChange({ ...value, ...patch });
  const input = (name: keyof S3Settings & string, label: MessageKey, placeholder = '', type = 'text') => (
    <label>
      {t(label)}
      <input
        name={`s3.${name}`}
        type={type}
        autocomplete="off"
        spellcheck={false}
        placeholder={placeholder}
        value={String(value[name])}
        onInput={(event) => set({ [name]: event.currentTarget.value })}
      />
    </label>
  );
  return (
    <fieldset data-testid="s3-fields">
      <legend>{t('s3Legend')}</legend>
      <div class="settings-row">
        {input('endpoint', 's3Endpoint', 'https://s3.eu-west-1.amazonaws.com')}
        {input('bucket', 's3Bucket', 'my-photos')}
      </div>
      <div class="settings-row">
        {input('region', 's3Region', 'us-east-1')}
        {input('keyPrefix', 's3KeyPrefix', 'uploads/')}
      </div>
      <label class="checkbox">
        <input
          type="checkbox"
          name="s3.pathStyle"
          checked={value.pathStyle}
          onChange={(event) => set({ pathStyle: event.currentTarget.checked })}
        />
        {t('s3PathStyle')}
      </label>
      <label>
        {t('s3Signing')}
        <select
          name="s3.signing"
          value={value.signing}
          onChange={(event) => set({ signing: event.currentTarget.value === 'endpoint' ? 'endpoint' : 'credentials' })}
        >
          <option value="credentials">{t('s3SigningCredentials')}</option>
          <option value="endpoint">{t('s3SigningEndpoint')}</option>
        </select>
      </label>
      {value.signing === 'credentials' ? (
        <div class="settings-row">
          {input('accessKeyId', 's3AccessKeyId')}
          {input('secretAccessKey', 's3SecretAccessKey', '', 'password')}
        </div>
      ) : (
        input('signingUrl', 's3SigningUrl', 'https://my-server.example/s3/sign')
      )}
      {input('publicUrl', 's3PublicUrl', 'https://cdn.example/')}
      <p class="muted">{t('s3Help')}</p>
    </fieldset>
  );
}
