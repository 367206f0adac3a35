import {
  DEFAULT_TUS_CHUNK_BYTES,
  type DestinationTransport,
  MAX_TUS_CHUNK_BYTES,
  MIN_TUS_CHUNK_BYTES,
  TRANSPORT_KINDS,
  type TransportKind,
} from '@/utils/destinations/model';
import { newS3Settings } from '@/utils/destinations/s3-settings';
import { type MessageKey, t } from '@/utils/i18n';
import { S3Fields } from './S3Fields';

const TRANSPORT_TEXT: Record<TransportKind, MessageKey> = {
  post: 'transportPost',
  tus: 'transportTus',
  'ietf-resumable': 'transportIetfResumable',
  's3-multipart': 'destinationTransportS3',
};

const MB = 1024 * 1024;

function transportOfKind(
  kind: TransportKind,
  previous: DestinationTransport | undefined,
): DestinationTransport | undefined {
  switch (kind) {
    case 'post':
      // Absent, not { kind: 'post' }: a destination saved before transports existed looks the same.
      return undefined;
    case 'tus':
      return { kind, chunkBytes: previous?.kind === 'tus' ? previous.chunkBytes : DEFAULT_TUS_CHUNK_BYTES };
    case 'ietf-resumable':
      return { kind };
    case 's3-multipart':
      return previous?.kind === 's3-multipart' ? previous : newS3Settings();
  }
}

/** The destination editor's "How the file travels": whole-file request, tus, or the IETF draft. */
export function TransportFields({
  value,
  onChange,
}: {
  value: DestinationTransport | undefined;
  onChange(transport: DestinationTransport | undefined): void;
}) {
  const kind = value?.kind ?? 'post';
  return (
    <>
      <div class="settings-row">
        <label>
          {t('destinationTransport')}
          <select
            name="transport"
            value={kind}
            onChange={(event) => onChange(transportOfKind(event.currentTarget.value as TransportKind, value))}
          >
            {TRANSPORT_KINDS.map((option) => (
              <option key={option} value={option}>
                {t(TRANSPORT_TEXT[option])}
              </option>
            ))}
          </select>
        </label>
        {value?.kind === 'tus' && (
          <label class="narrow">
            {t('tusChunkMb')}
            <input
              name="tusChunkMb"
              type="number"
              min={MIN_TUS_CHUNK_BYTES / MB}
              max={MAX_TUS_CHUNK_BYTES / MB}
              step={0.25}
              value={value.chunkBytes / MB}
              onInput={(event) => {
                const mb = event.currentTarget.valueAsNumber;
                if (!Number.isFinite(mb)) return;
                const bytes = Math.round(
                  Math.min(MAX_TUS_CHUNK_BYTES / MB, Math.max(MIN_TUS_CHUNK_BYTES / MB, mb)) * MB,
                );
                onChange({ kind: 'tus', chunkBytes: bytes });
              }}
            />
          </label>
        )}
      </div>
      {value?.kind === 's3-multipart' && <S3Fields value={value} onChange={onChange} />}
      {kind !== 'post' && kind !== 's3-multipart' && <p class="muted">{t('transportResumableHint')}</p>}
    </>
  );
}
