import type { Dispatch, StateUpdater } from 'preact/hooks';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type CompressionPlan,
  type PhotosAs,
  type PresetId,
  planFor,
  presetForDestination,
  type TransparentAs,
} from '@/utils/compress/presets';
import type { DestinationSummary } from '@/utils/destination-summary';
import { customTargetSetting, defaultPresetSetting, keepJpegMetadataSetting } from '@/utils/settings';

/**
 * The batch's preset: a destination with its own preset switches the picker
 * to it, "Default" to the global default; the user may still pick another
 * for the batch. Only a different destination (or a changed preset of it)
 * switches again, so the same destination reported anew (e.g. after an edit
 * elsewhere) keeps the user's pick.
 */
export function useBatchPreset(): {
  preset: PresetId | null;
  setPreset: Dispatch<StateUpdater<PresetId | null>>;
  /** Call with each destination the picker reports; undefined for a page form, which asks nothing. */
  destinationChosen(saved: DestinationSummary | undefined): void;
  /** The plan for images added now: Custom's numbers and the metadata choice come from the options. */
  compressionPlan(): Promise<CompressionPlan>;
} {
  const [preset, setPreset] = useState<PresetId | null>(null);
  // Read by compressionPlan, which the paste listener (set up once) also reaches.
  const presetRef = useRef<PresetId | null>(null);
  presetRef.current = preset;
  // What the chosen destination asks of compression.
  const destinationCompression = useRef<{
    key: string;
    presetId: string | null;
    transparentAs: TransparentAs;
    photosAs: PhotosAs;
  }>({ key: '', presetId: null, transparentAs: 'webp', photosAs: 'jpeg' });
  const globalDefaultPreset = useRef<PresetId | null>(null);

  useEffect(() => {
    void defaultPresetSetting.getValue().then((stored) => {
      globalDefaultPreset.current = stored;
      setPreset((current) => current ?? presetForDestination(destinationCompression.current.presetId, stored));
    });
  }, []);

  function destinationChosen(saved: DestinationSummary | undefined) {
    const presetId = saved?.compressionPresetId ?? null;
    const key = `${saved?.id ?? 'page-form'}:${presetId ?? ''}`;
    const previousKey = destinationCompression.current.key;
    destinationCompression.current = {
      key,
      presetId,
      transparentAs: saved?.transparentAs ?? 'webp',
      photosAs: saved?.photosAs ?? 'jpeg',
    };
    if (key !== previousKey && globalDefaultPreset.current !== null) {
      setPreset(presetForDestination(presetId, globalDefaultPreset.current));
    }
  }

  async function compressionPlan(): Promise<CompressionPlan> {
    const [stored, custom, keepMetadata] = await Promise.all([
      defaultPresetSetting.getValue(),
      customTargetSetting.getValue(),
      keepJpegMetadataSetting.getValue(),
    ]);
    const { presetId, transparentAs, photosAs } = destinationCompression.current;
    const chosen = presetRef.current ?? presetForDestination(presetId, stored);
    return planFor(chosen, custom, keepMetadata, transparentAs, photosAs);
  }

  return { preset, setPreset, destinationChosen, compressionPlan };
}
