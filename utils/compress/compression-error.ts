/** The compressor's named failures, shared by the compressor and its HEIC decoder. */

export type CompressionErrorCode =
  | 'empty'
  | 'not-image'
  | 'unsupported-format'
  | 'truncated'
  | 'undecodable'
  | 'undecodable-heic'
  | 'too-large';

export class CompressionError extends Error {
  override name = 'CompressionError';
  constructor(
    readonly code: CompressionErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/**
 * Above this many pixels the image is refused by name, from its header,
 * before any decoding. Up to it the browser decodes straight to the preset's
 * size (`createImageBitmap` with resize options): a 14000x14000 PNG (196 MP)
 * took 2.2 s here and arrives at 2048 px (tests/e2e/perceptual-compression.test.ts).
 * Beyond, the transient full-size decode (4 bytes a pixel, two images at
 * once) would risk the panel's process.
 */
export const MAX_SOURCE_PIXELS = 200_000_000;
