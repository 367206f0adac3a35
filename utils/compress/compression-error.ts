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
 * Above this many pixels a full decode needs over 400 MB (4 bytes a pixel)
 * for one image, and two run at once: refused with a named error instead.
 * A 12000x8000 panorama (96 MP) still passes.
 */
export const MAX_SOURCE_PIXELS = 100_000_000;
