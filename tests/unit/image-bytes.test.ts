import { describe, expect, it } from 'vitest';
import {
  extractExifSegment,
  insertExifSegment,
  inspectImage,
  orientationOnlyExif,
  stripJpegMetadata,
  stripPngMetadata,
} from '@/utils/compress/image-bytes';
import {
  actlChunk,
  blackAndWhitePng,
  exifSegment,
  flatGif,
  rgbaPng,
  structuralJpeg,
  textChunk,
  truncated,
  withSegmentsAfterSoi,
} from '../factories/image-bytes';

const opaquePixel = () => [10, 20, 30, 255];
const bytes = (text: string) => new TextEncoder().encode(text);
const contains = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).includes(Buffer.from(needle));

/** A WebP container with only a VP8X chunk: enough for the flags and canvas size. */
function vp8xWebp(flags: number, width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data[0] = flags;
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  const chunk = Buffer.concat([Buffer.from('VP8X'), Buffer.from([10, 0, 0, 0]), data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF');
  riff.writeUInt32LE(4 + chunk.length, 4);
  return Buffer.concat([riff, Buffer.from('WEBP'), chunk]);
}

/** An ISO-BMFF `ftyp` box: major brand, version, compatible brands. */
function isoBox(brand: string, compatible: string): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftyp', 4);
  box.write(brand, 8);
  box.write(compatible, 16);
  return box;
}

describe('inspectImage: what a file is, from its bytes', () => {
  it.each([
    {
      case: 'a JPEG stored sideways with GPS',
      file: withSegmentsAfterSoi(structuralJpeg(300, 200), exifSegment({ orientation: 6, gps: true })),
      facts: { format: 'jpeg', width: 300, height: 200, orientation: 6, hasMetadata: true, complete: true },
    },
    {
      case: 'a plain JPEG',
      file: structuralJpeg(64, 48),
      facts: { format: 'jpeg', width: 64, height: 48, orientation: 1, hasMetadata: false, complete: true },
    },
    {
      case: 'a truncated JPEG',
      file: truncated(structuralJpeg(64, 48), 0.9),
      facts: { format: 'jpeg', complete: false },
    },
    {
      case: 'an opaque PNG with an alpha channel',
      file: rgbaPng(5, 3, opaquePixel),
      facts: { format: 'png', width: 5, height: 3, animated: false, hasMetadata: false, complete: true },
    },
    {
      case: 'a PNG with a text chunk',
      file: rgbaPng(2, 2, opaquePixel, { after: [textChunk('Comment', 'made at home')] }),
      facts: { format: 'png', hasMetadata: true },
    },
    {
      case: 'an APNG',
      file: rgbaPng(2, 2, opaquePixel, { before: [actlChunk(2)] }),
      facts: { format: 'png', animated: true },
    },
    { case: 'a truncated PNG', file: truncated(rgbaPng(40, 40, opaquePixel), 0.7), facts: { complete: false } },
    {
      case: 'a 20000x12000 PNG, by its header',
      file: blackAndWhitePng(20_000, 12_000),
      facts: { format: 'png', width: 20_000, height: 12_000 },
    },
    {
      case: 'a 2-frame GIF',
      file: flatGif([0, 1]),
      facts: { format: 'gif', width: 4, height: 4, animated: true, complete: true },
    },
    { case: 'a 1-frame GIF', file: flatGif([1]), facts: { format: 'gif', animated: false, complete: true } },
    {
      case: 'an animated WebP',
      file: vp8xWebp(0x02, 640, 480),
      facts: { format: 'webp', width: 640, height: 480, animated: true },
    },
    {
      case: 'a still WebP with EXIF',
      file: vp8xWebp(0x08, 8, 8),
      facts: { format: 'webp', animated: false, hasMetadata: true },
    },
    { case: 'HEIC from a phone', file: isoBox('heic', 'mif1'), facts: { format: 'heic' } },
    { case: 'AVIF', file: isoBox('avif', 'mif1'), facts: { format: 'avif' } },
    {
      case: 'SVG',
      file: bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      facts: { format: 'svg' },
    },
  ])('$case', ({ file, facts }) => {
    expect(inspectImage(new Uint8Array(file))).toMatchObject(facts);
  });

  it.each([
    ['a text file named .jpg', bytes('these are notes, not pixels')],
    ['an empty file', new Uint8Array()],
    ['HTML', bytes('<!doctype html><p>hello</p>')],
    ['an MP4', isoBox('isom', 'mp41')],
  ])('%s is not an image', (_case, file) => {
    expect(inspectImage(file)).toBeNull();
  });
});

describe('stripJpegMetadata', () => {
  const scanOf = (jpeg: Uint8Array) => Buffer.from(jpeg).subarray(Buffer.from(jpeg).indexOf(Buffer.from([0xff, 0xda])));

  it('drops EXIF (with GPS), XMP and comments, keeps every other byte of the image', () => {
    const xmp = Buffer.concat([
      Buffer.from([0xff, 0xe1, 0, 40]),
      Buffer.from('http://ns.adobe.com/xap/1.0/\0'),
      Buffer.alloc(9),
    ]);
    const comment = Buffer.from([0xff, 0xfe, 0, 7, ...Buffer.from('hello')]);
    const plain = structuralJpeg(300, 200);
    const original = withSegmentsAfterSoi(
      plain,
      exifSegment({ orientation: 1, gps: true, make: 'CadenceCam' }),
      xmp,
      comment,
    );
    const stripped = stripJpegMetadata(original);
    expect(contains(stripped, bytes('Exif'))).toBe(false);
    expect(contains(stripped, bytes('CadenceCam'))).toBe(false);
    expect(contains(stripped, bytes('adobe'))).toBe(false);
    expect(contains(stripped, bytes('hello'))).toBe(false);
    expect(Buffer.from(stripped).equals(plain)).toBe(true);
    expect(inspectImage(stripped)).toMatchObject({ width: 300, height: 200, hasMetadata: false, complete: true });
  });

  it('keeps only the orientation of a sideways photo, so the original still shows upright', () => {
    const original = withSegmentsAfterSoi(structuralJpeg(300, 200), exifSegment({ orientation: 6, gps: true }));
    const stripped = stripJpegMetadata(original);
    expect(inspectImage(stripped)).toMatchObject({ orientation: 6 });
    expect(Buffer.from(stripped).length).toBe(structuralJpeg(300, 200).length + orientationOnlyExif(6).length);
    expect(scanOf(stripped).equals(scanOf(original))).toBe(true);
  });

  it('cuts what phones append after the end of the image (previews, motion-photo video)', () => {
    const appended = bytes('ftypmp42 ... a video with GPS ...');
    const stripped = stripJpegMetadata(structuralJpeg(10, 10, appended));
    expect(Buffer.from(stripped).equals(structuralJpeg(10, 10))).toBe(true);
  });
});

describe('EXIF kept on request', () => {
  it('carries the EXIF block into a re-encoded JPEG with orientation 1, because the pixels are now upright', () => {
    const original = withSegmentsAfterSoi(
      structuralJpeg(300, 200),
      exifSegment({ orientation: 6, gps: true, make: 'CadenceCam' }),
    );
    const exif = extractExifSegment(original);
    expect(exif).not.toBeNull();
    const reencoded = structuralJpeg(200, 300);
    const output = insertExifSegment(reencoded, exif as Uint8Array);
    expect(inspectImage(output)).toMatchObject({
      width: 200,
      height: 300,
      orientation: 1,
      hasMetadata: true,
      complete: true,
    });
    expect(contains(output, bytes('CadenceCam'))).toBe(true);
    expect(contains(output, Buffer.from([0x8825 >> 8, 0x8825 & 0xff]))).toBe(true); // GPS IFD pointer
    // The original is not changed in place.
    expect(inspectImage(original)?.orientation).toBe(6);
  });

  it('finds no EXIF in a JPEG without one', () => {
    expect(extractExifSegment(structuralJpeg(4, 4))).toBeNull();
  });
});

describe('stripPngMetadata', () => {
  it('drops text chunks and keeps the pixels and the rest valid', () => {
    const plain = rgbaPng(3, 3, opaquePixel);
    const tagged = rgbaPng(3, 3, opaquePixel, {
      before: [textChunk('Author', 'Kim')],
      after: [textChunk('GPS', '37.5')],
    });
    const stripped = stripPngMetadata(tagged);
    expect(Buffer.from(stripped).equals(plain)).toBe(true);
    expect(inspectImage(stripped)).toMatchObject({ hasMetadata: false, complete: true });
  });
});
