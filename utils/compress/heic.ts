/**
 * HEIC/HEIF in: what iPhones save. No browser's canvas reads it (Safari's
 * does, on Apple systems only), so it is decoded with libheif compiled to
 * WebAssembly (libheif-js), imported the first time such a file appears, in
 * the compress worker that needs it; the rest follows the path of any photo.
 */
import libheifWasmUrl from 'libheif-js/libheif-wasm/libheif.wasm?url';
import { CompressionError, MAX_SOURCE_PIXELS } from './compression-error';
import { heicExifOrientation, heicHasTransform } from './image-bytes';
import { fitWithin, orientedSize } from './presets';

interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: ImageData, done: (result: ImageData | null) => void): void;
  free(): void;
}
interface Libheif {
  HeifDecoder: new () => { decoder: number; decode(bytes: Uint8Array): HeifImage[] };
  heif_context_free(context: number): void;
}

let loading: Promise<Libheif> | undefined;

function loadLibheif(): Promise<Libheif> {
  loading ??= import('libheif-js/libheif-wasm/libheif.js').then(
    ({ default: factory }) =>
      new Promise<Libheif>((resolve, reject) => {
        // The runtime may finish starting before the factory has returned its module (the .wasm
        // can come from cache at once), so settle when both have happened.
        let started = false;
        let module: Libheif | undefined;
        const settle = () => {
          if (started && module) resolve(module);
        };
        module = (factory as unknown as (options: object) => Libheif)({
          // The .wasm is bundled with the extension (no remote code).
          locateFile: () => libheifWasmUrl,
          onRuntimeInitialized: () => {
            started = true;
            settle();
          },
          onAbort: (reason: unknown) => reject(new Error(String(reason))),
        });
        settle();
      }),
  );
  return loading;
}

/**
 * The primary image, upright and already fitted within `maxSide`. libheif
 * applies the file's own rotation and mirroring (irot, imir); a file without
 * them may still say its orientation in EXIF, as cameras and libheif's own
 * `heif-enc` write it, and that is applied here.
 */
export async function decodeHeic(bytes: Uint8Array, maxSide: number): Promise<ImageBitmap> {
  let libheif: Libheif;
  try {
    libheif = await loadLibheif();
  } catch (error) {
    loading = undefined;
    throw new CompressionError('undecodable-heic', String(error));
  }
  const decoder = new libheif.HeifDecoder();
  const images = decoder.decode(bytes);
  try {
    const image = images.find((candidate) => candidate.is_primary()) ?? images[0];
    if (!image) throw new CompressionError('undecodable-heic', 'no image in the file');
    const width = image.get_width();
    const height = image.get_height();
    if (width * height > MAX_SOURCE_PIXELS) throw new CompressionError('too-large', `${width}×${height}`);
    const pixels = new ImageData(width, height);
    const decoded = await new Promise<ImageData | null>((resolve) => image.display(pixels, resolve));
    if (!decoded) throw new CompressionError('undecodable-heic', 'libheif could not decode the image');
    const orientation = heicHasTransform(bytes) ? 1 : heicExifOrientation(bytes);
    return await orientAndFit(decoded, orientation, maxSide);
  } finally {
    for (const image of images) image.free();
    if (decoder.decoder) libheif.heif_context_free(decoder.decoder);
  }
}

/** Resizes in the stored orientation, then turns the fitted pixels upright on a canvas (EXIF orientations 1-8). */
async function orientAndFit(pixels: ImageData, orientation: number, maxSide: number): Promise<ImageBitmap> {
  const shown = orientedSize(pixels.width, pixels.height, orientation);
  const fitted = fitWithin(shown.width, shown.height, maxSide);
  const stored = orientation >= 5 ? { width: fitted.height, height: fitted.width } : fitted;
  const resized = await createImageBitmap(pixels, {
    resizeWidth: stored.width,
    resizeHeight: stored.height,
    resizeQuality: 'high',
  });
  if (orientation === 1) return resized;
  const canvas = new OffscreenCanvas(fitted.width, fitted.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  const { width, height } = stored;
  const transforms: Record<number, [number, number, number, number, number, number]> = {
    2: [-1, 0, 0, 1, width, 0],
    3: [-1, 0, 0, -1, width, height],
    4: [1, 0, 0, -1, 0, height],
    5: [0, 1, 1, 0, 0, 0],
    6: [0, 1, -1, 0, height, 0],
    7: [0, -1, -1, 0, height, width],
    8: [0, -1, 1, 0, 0, width],
  };
  context.setTransform(...(transforms[orientation] ?? [1, 0, 0, 1, 0, 0]));
  context.drawImage(resized, 0, 0);
  resized.close();
  return canvas.transferToImageBitmap();
}
