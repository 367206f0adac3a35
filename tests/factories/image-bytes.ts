/**
 * Image files built byte by byte, independently of the product's parser, for
 * the unit tests (bytes only) and the real-browser tests (real decodable
 * files): PNG with any chunks, a 2-frame GIF, EXIF blocks with orientation and
 * GPS, and small structural JPEGs.
 */
import { crc32, deflateSync } from 'node:zlib';

// ---------------------------------------------------------------- PNG

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export interface PngOptions {
  /** Chunks placed between IHDR and IDAT, e.g. acTL for APNG or tEXt for metadata. */
  before?: { type: string; data: Uint8Array }[];
  /** Chunks placed between IDAT and IEND. */
  after?: { type: string; data: Uint8Array }[];
}

/** An 8-bit RGBA PNG (colour type 6: it always has an alpha channel, opaque or not). */
export function rgbaPng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => number[],
  options: PngOptions = {},
): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y += 1) {
    const row = y * (1 + width * 4);
    for (let x = 0; x < width; x += 1) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  return pngFile(width, height, 8, 6, raw, options);
}

/** A 1-bit greyscale PNG: a real file with huge dimensions stays a few KB. */
export function blackAndWhitePng(width: number, height: number): Buffer {
  return pngFile(width, height, 1, 0, Buffer.alloc(height * (1 + Math.ceil(width / 8))));
}

function pngFile(
  width: number,
  height: number,
  bitDepth: number,
  colourType: number,
  raw: Buffer,
  options: PngOptions = {},
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([bitDepth, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    ...(options.before ?? []).map((chunk) => pngChunk(chunk.type, chunk.data)),
    pngChunk('IDAT', deflateSync(raw, { level: 1 })),
    ...(options.after ?? []).map((chunk) => pngChunk(chunk.type, chunk.data)),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

export function textChunk(keyword: string, text: string): { type: string; data: Uint8Array } {
  return { type: 'tEXt', data: Buffer.from(`${keyword}\0${text}`, 'latin1') };
}

/** APNG's animation control chunk: frame count and loop count. */
export function actlChunk(frames: number): { type: string; data: Uint8Array } {
  const data = Buffer.alloc(8);
  data.writeUInt32BE(frames, 0);
  return { type: 'acTL', data };
}

// ---------------------------------------------------------------- GIF

/**
 * A looping GIF89a of `frames` 4x4 frames, each one flat colour from a
 * 2-colour table. LZW without compression: a clear code before every pixel
 * keeps every code 3 bits wide and the table empty, which any decoder reads.
 */
export function flatGif(frames: number[]): Buffer {
  const width = 4;
  const height = 4;
  const parts: number[] = [
    ...Buffer.from('GIF89a', 'latin1'),
    width,
    0,
    height,
    0,
    0x80, // global colour table, 2 entries
    0,
    0,
    ...[255, 0, 0], // colour 0: red
    ...[0, 0, 255], // colour 1: blue
    // NETSCAPE2.0 application extension: loop forever.
    0x21,
    0xff,
    11,
    ...Buffer.from('NETSCAPE2.0', 'latin1'),
    3,
    1,
    0,
    0,
    0,
  ];
  for (const colour of frames) {
    parts.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // graphic control: 100 ms
    parts.push(0x2c, 0, 0, 0, 0, width, 0, height, 0, 0); // image descriptor, no local table
    const data = lzwUncompressed(new Array(width * height).fill(colour));
    parts.push(2); // LZW minimum code size
    for (let offset = 0; offset < data.length; offset += 255) {
      const block = data.slice(offset, offset + 255);
      parts.push(block.length, ...block);
    }
    parts.push(0);
  }
  parts.push(0x3b);
  return Buffer.from(parts);
}

function lzwUncompressed(indices: number[]): number[] {
  const clear = 4;
  const end = 5;
  const codes = [...indices.flatMap((index) => [clear, index]), end];
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const code of codes) {
    buffer |= code << bits;
    bits += 3;
    while (bits >= 8) {
      bytes.push(buffer & 0xff);
      buffer >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) bytes.push(buffer & 0xff);
  return bytes;
}

// ---------------------------------------------------------------- JPEG and EXIF

export interface ExifOptions {
  orientation?: number;
  /** Adds a GPS IFD with 37°33'59" N, 126°58'41" E. */
  gps?: boolean;
  make?: string;
}

/** An APP1 "Exif" segment (marker included), big-endian TIFF, IFD0 entries in tag order. */
export function exifSegment({ orientation, gps = false, make }: ExifOptions): Buffer {
  interface Entry {
    tag: number;
    type: number;
    count: number;
    inline?: number[];
    data?: Buffer;
  }
  const ifd0: Entry[] = [];
  if (make !== undefined) ifd0.push({ tag: 0x010f, type: 2, count: make.length + 1, data: Buffer.from(`${make}\0`) });
  if (orientation !== undefined) ifd0.push({ tag: 0x0112, type: 3, count: 1, inline: [0, orientation, 0, 0] });
  const gpsEntries: Entry[] = gps
    ? [
        { tag: 0x0001, type: 2, count: 2, inline: [...Buffer.from('N\0'), 0, 0] },
        { tag: 0x0002, type: 5, count: 3, data: rationals([37, 33, 59]) },
        { tag: 0x0003, type: 2, count: 2, inline: [...Buffer.from('E\0'), 0, 0] },
        { tag: 0x0004, type: 5, count: 3, data: rationals([126, 58, 41]) },
      ]
    : [];
  if (gps) ifd0.push({ tag: 0x8825, type: 4, count: 1, inline: [0, 0, 0, 0] }); // offset filled below

  const ifdSize = (entries: Entry[]) => 2 + entries.length * 12 + 4;
  const ifd0Offset = 8;
  const gpsOffset = ifd0Offset + ifdSize(ifd0);
  let dataOffset = gpsOffset + (gps ? ifdSize(gpsEntries) : 0);
  const dataParts: Buffer[] = [];
  const writeIfd = (entries: Entry[]) => {
    const out = Buffer.alloc(ifdSize(entries));
    out.writeUInt16BE(entries.length, 0);
    entries.forEach((entry, index) => {
      const at = 2 + index * 12;
      out.writeUInt16BE(entry.tag, at);
      out.writeUInt16BE(entry.type, at + 2);
      out.writeUInt32BE(entry.count, at + 4);
      if (entry.tag === 0x8825) out.writeUInt32BE(gpsOffset, at + 8);
      else if (entry.data) {
        out.writeUInt32BE(dataOffset, at + 8);
        dataParts.push(entry.data);
        dataOffset += entry.data.length;
      } else out.set(entry.inline ?? [], at + 8);
    });
    return out;
  };
  const tiff = Buffer.concat([
    Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, ifd0Offset]),
    writeIfd(ifd0),
    ...(gps ? [writeIfd(gpsEntries)] : []),
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, ...dataParts]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

function rationals(values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 8);
  values.forEach((value, index) => {
    out.writeUInt32BE(value, index * 8);
    out.writeUInt32BE(1, index * 8 + 4);
  });
  return out;
}

/** Puts segments right after SOI, where the EXIF standard places APP1. */
export function withSegmentsAfterSoi(jpeg: Uint8Array, ...segments: Uint8Array[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/**
 * A JPEG with every header a parser walks (JFIF, SOF0, SOS) and a fake scan:
 * right in structure, not meant to be decoded. The scan holds a stuffed 0xFF
 * and a restart marker, which a careless parser takes for the end.
 */
export function structuralJpeg(width: number, height: number, trailer: Uint8Array = new Uint8Array()): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0, 16, ...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof0 = Buffer.from([0xff, 0xc0, 0, 11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const sos = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0]);
  const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0x78]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, sos, scan, Buffer.from([0xff, 0xd9]), trailer]);
}

/** The first `fraction` of a file: an interrupted download. */
export function truncated(bytes: Uint8Array, fraction = 0.6): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** A 16-bit-per-channel RGB PNG (colour type 2, bit depth 16), a horizontal gradient. */
export function rgb16Png(width: number, height: number): Buffer {
  const stride = 1 + width * 6;
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const level = Math.round((x / Math.max(1, width - 1)) * 65_535);
      const at = y * stride + 1 + x * 6;
      raw.writeUInt16BE(level, at);
      raw.writeUInt16BE(65_535 - level, at + 2);
      raw.writeUInt16BE(30_000, at + 4);
    }
  }
  return pngFile(width, height, 16, 2, raw);
}

// ---------------------------------------------------------------- decodable JPEGs without an encoder

/**
 * JPEGs a real decoder reads, written without an encoder: every 8x8 block
 * has only a DC coefficient of 0 (a flat mid level), coded with one-symbol
 * Huffman tables, so a block costs one bit per table and the scan is all
 * zero bits. Enough to make the unusual containers browsers must handle:
 * four components with an Adobe marker (CMYK) and progressive scans.
 */
function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

/** One table of all ones: the coefficients are zero, so the quantisation does not matter. */
const flatQuantTable = () => segment(0xdb, [0x00, ...new Array(64).fill(1)]);

/** DC table 0 and AC table 0, each with one code of length 1 for symbol 0 (DC: difference 0; AC: end of block). */
const oneSymbolHuffmanTables = () => [
  ...segment(0xc4, [0x00, 1, ...new Array(15).fill(0), 0x00]),
  ...segment(0xc4, [0x10, 1, ...new Array(15).fill(0), 0x00]),
];

/** Scan bits: `bits` zero bits, padded with ones to a whole byte (as the standard asks). */
function zeroBits(bits: number): number[] {
  const bytes = new Array(Math.ceil(bits / 8)).fill(0);
  const spare = bytes.length * 8 - bits;
  if (spare > 0) bytes[bytes.length - 1] = (1 << spare) - 1;
  return bytes;
}

const blocks = (width: number, height: number) => Math.ceil(width / 8) * Math.ceil(height / 8);

/** A baseline CMYK JPEG (4 components, Adobe APP14 with transform 0), flat mid grey in every channel. */
export function flatCmykJpeg(width: number, height: number): Buffer {
  const adobe = segment(0xee, [...Buffer.from('Adobe', 'latin1'), 0, 100, 0, 0, 0, 0, 0]);
  const components = [1, 2, 3, 4].flatMap((id) => [id, 0x11, 0]);
  const sof0 = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 4, ...components]);
  const sos = segment(0xda, [4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x00]), 0, 63, 0]);
  // Each MCU holds one block of each of the 4 components; each block is a DC bit and an EOB bit.
  const scan = zeroBits(blocks(width, height) * 4 * 2);
  return Buffer.from([
    0xff,
    0xd8,
    ...adobe,
    ...flatQuantTable(),
    ...sof0,
    ...oneSymbolHuffmanTables(),
    ...sos,
    ...scan,
    0xff,
    0xd9,
  ]);
}

/** A progressive greyscale JPEG (SOF2): a DC scan, then an AC scan, flat mid grey. */
export function flatProgressiveJpeg(width: number, height: number): Buffer {
  const sof2 = segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const dcScan = segment(0xda, [1, 1, 0x00, 0, 0, 0]);
  const acScan = segment(0xda, [1, 1, 0x00, 1, 63, 0]);
  const count = blocks(width, height);
  return Buffer.from([
    0xff,
    0xd8,
    ...flatQuantTable(),
    ...sof2,
    ...oneSymbolHuffmanTables(),
    ...dcScan,
    ...zeroBits(count),
    ...acScan,
    ...zeroBits(count),
    0xff,
    0xd9,
  ]);
}
