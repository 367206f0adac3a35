/**
 * The encoders the compressor can use, each as "pixels on a canvas and a
 * quality in, a Blob out". The browser's own (canvas `convertToBlob`) for
 * JPEG, WebP and PNG; AVIF, which no browser canvas encodes, through
 * @jsquash/avif (libavif in WebAssembly); MozJPEG (@jsquash/jpeg) is
 * measured by `npm run bench:compress` against the browser's JPEG.
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

/** MozJPEG with @jsquash's defaults (progressive, optimised Huffman tables, trellis quantisation). */
export const mozjpegEncoder: Encoder = {
  name: 'mozjpeg',
  type: 'image/jpeg',
  async encode(canvas, quality) {
    const { default: encode } = await import('@jsquash/jpeg/encode');
    const buffer = await encode(pixelsOf(canvas), { quality: Math.round(quality * 100) });
    return new Blob([buffer], { type: 'image/jpeg' });
  },
};

/**
 * Speed 8 of libavif's 0 (slowest) to 10: on a 2048 px photo, 6 (its
 * default) took several seconds in WebAssembly without threads (an extension
 * page is not cross-origin isolated, so no SharedArrayBuffer).
 */
const AVIF_SPEED = 8;

export const avifEncoder: Encoder = {
  name: 'avif',
  type: 'image/avif',
  async encode(canvas, quality) {
    const { default: encode } = await import('@jsquash/avif/encode');
    const buffer = await encode(pixelsOf(canvas), { quality: Math.round(quality * 100), speed: AVIF_SPEED });
    return new Blob([buffer], { type: 'image/avif' });
  },
};

export function encoderFor(type: string): Encoder {
  return type === 'image/avif' ? avifEncoder : browserEncoder(type);
}

function pixelsOf(canvas: OffscreenCanvas): ImageData {
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  return context.getImageData(0, 0, canvas.width, canvas.height);
}
