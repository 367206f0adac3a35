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
 * before any decoding. Up to it the browser resizes to the preset's size as
 * it decodes (`createImageBitmap` with resize options): a 14000x14000 PNG
 * (196 MP) arrives at 2048 px (tests/e2e/perceptual-compression.test.ts), but
 * through a transient full-size copy: the extension's renderer peaked about
 * 1 GB higher (`npm run bench:compress -- --huge`), 2 GB with two at once.
 * Beyond, that would risk the panel's process.
 */
export const MAX_SOURCE_PIXELS = 200_000_000;
