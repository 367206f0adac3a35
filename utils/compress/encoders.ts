/**
 * The encoders the compressor can use, each as "pixels on a canvas and a
 * quality in, a Blob out". The browser's own (canvas `convertToBlob`) for
 * JPEG, WebP and PNG; AVIF, which no browser canvas encodes, through
 * @jsquash/avif (libavif in WebAssembly). MozJPEG (@jsquash/jpeg) is
 * measured against the browser's JPEG by `npm run bench:compress` only
 * (entrypoints/bench/main.ts), and not shipped: see the README, Compression.
 *
 * The WebAssembly modules are imported on first use only, so they load in
 * the compress worker that needs them and never in a page's content script.
 */

export type EncoderName = 'browser' | 'mozjpeg' | 'avif';

export interface Encoder {
  name: EncoderName;
  type: string;
  encode(canvas: OffscreenCanvas, quality: number): Promise<Blob>;
}

export function browserEncoder(type: string): Encoder {
  return { name: 'browser', type, encode: (canvas, quality) => canvas.convertToBlob({ type, quality }) };
}

/**
 * Speed 8 of libavif's 0 (slowest) to 10: on a 2048 px photo, 6 (its
 * default) took several seconds in WebAssembly without threads (an extension
 * page is not cross-origin isolated, so no SharedArrayBuffer).
 */
const AVIF_SPEED = 8;

interface AvifModule {
  encode(data: Uint8Array, width: number, height: number, options: object): Uint8Array | null;
}
let avifModule: Promise<{ module: AvifModule; defaults: object }> | undefined;

/**
 * libavif's single-threaded build, imported directly: @jsquash/avif's own
 * entry also bundles a threaded build (another 3.5 MB) that an extension page
 * could never use, as it is not cross-origin isolated.
 */
function loadAvif(): Promise<{ module: AvifModule; defaults: object }> {
  avifModule ??= Promise.all([import('@jsquash/avif/codec/enc/avif_enc.js'), import('@jsquash/avif/meta.js')]).then(
    async ([codec, meta]) => ({
      module: (await (codec.default as unknown as (options: object) => Promise<AvifModule>)({
        noInitialRun: true,
      })) as AvifModule,
      defaults: meta.defaultOptions,
    }),
  );
  return avifModule;
}

export const avifEncoder: Encoder = {
  name: 'avif',
  type: 'image/avif',
  async encode(canvas, quality) {
    const { module, defaults } = await loadAvif();
    const pixels = pixelsOf(canvas);
    const output = module.encode(new Uint8Array(pixels.data.buffer), pixels.width, pixels.height, {
      ...defaults,
      quality: Math.round(quality * 100),
      speed: AVIF_SPEED,
    });
    if (!output) throw new Error('AVIF encoding failed');
    return new Blob([output as Uint8Array<ArrayBuffer>], { type: 'image/avif' });
  },
};

export function encoderFor(type: string): Encoder {
  return type === 'image/avif' ? avifEncoder : browserEncoder(type);
}

export function pixelsOf(canvas: OffscreenCanvas): ImageData {
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  return context.getImageData(0, 0, canvas.width, canvas.height);
}
