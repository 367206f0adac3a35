/**
 * What an image file is, read from its bytes rather than its name or MIME
 * type (a text file named `.jpg` claims image/jpeg), and the lossless byte
 * edits the compressor needs: dropping metadata and carrying EXIF over.
 *
 * Written here rather than taken from a library: image-size reads dimensions
 * but not animation, completeness or metadata; exifr reads EXIF but cannot
 * write it; piexifjs writes EXIF but is unmaintained since 2019 and works on
 * binary strings. Each format needs only its container walked (JPEG segments,
 * PNG chunks, GIF blocks, RIFF chunks), which is short and fully tested.
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic' | 'tiff' | 'ico' | 'svg';

export interface ImageFacts {
  format: ImageFormat;
  /** Stored dimensions (before EXIF orientation), when the header states them. */
  width?: number;
  height?: number;
  /** More than one frame: animated GIF, APNG or animated WebP. */
  animated: boolean;
  /** EXIF orientation, 1-8; 1 when absent. Only JPEG carries it in practice. */
  orientation: number;
  /** Carries data beyond pixels that may identify a person or place: EXIF, XMP, IPTC, comments, PNG text. */
  hasMetadata: boolean;
  /** The container ends where its format says it should (JPEG EOI, PNG IEND, GIF trailer, RIFF size). */
  complete: boolean;
}

export const MIME_BY_FORMAT: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  avif: 'image/avif',
  heic: 'image/heic',
  tiff: 'image/tiff',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
};

/** Returns null when the bytes are not an image format we know. */
export function inspectImage(bytes: Uint8Array): ImageFacts | null {
  const base = { animated: false, orientation: 1, hasMetadata: false, complete: true };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return inspectJpeg(bytes);
  if (startsWith(bytes, PNG_SIGNATURE)) return inspectPng(bytes);
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return inspectGif(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return inspectWebp(bytes);
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) {
    return { ...base, format: 'bmp', width: u32le(bytes, 18), height: Math.abs(i32le(bytes, 22)) };
  }
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brands = ascii(bytes, 8, Math.min(64, bytes.length, u32be(bytes, 0)) - 8);
    if (/avi[fs]/.test(brands)) return { ...base, format: 'avif' };
    if (/hei[cxms]|hev[cx]|mif1|msf1/.test(brands)) return { ...base, format: 'heic' };
    return null;
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { ...base, format: 'tiff' };
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return { ...base, format: 'ico' };
  if (looksLikeSvg(bytes)) return { ...base, format: 'svg' };
  return null;
}

// ---------------------------------------------------------------- JPEG

interface JpegSegment {
  marker: number;
  /** Offset of the 0xFF that starts the marker. */
  start: number;
  /** Offset just past the segment's payload. */
  end: number;
}

/** The segments before the first SOS (start of scan), which hold every header and all metadata. */
function jpegHeaderSegments(bytes: Uint8Array): { segments: JpegSegment[]; scanStart: number } {
  const segments: JpegSegment[] = [];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) break;
    let markerAt = offset;
    while (bytes[markerAt + 1] === 0xff) markerAt += 1; // fill bytes
    const marker = bytes[markerAt + 1] ?? 0;
    if (marker === 0xda) return { segments, scanStart: offset };
    if (marker === 0xd9) break;
    const end = markerAt + 2 + u16be(bytes, markerAt + 2);
    segments.push({ marker, start: offset, end });
    offset = end;
  }
  return { segments, scanStart: -1 };
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const EXIF_HEADER = 'Exif\0\0';
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0';

function segmentPayloadStart(segment: JpegSegment, bytes: Uint8Array): number {
  let markerAt = segment.start;
  while (bytes[markerAt + 1] === 0xff) markerAt += 1;
  return markerAt + 4;
}

function isExifSegment(segment: JpegSegment, bytes: Uint8Array): boolean {
  return segment.marker === 0xe1 && ascii(bytes, segmentPayloadStart(segment, bytes), 6) === EXIF_HEADER;
}

/** APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) change how pixels look; keep them. */
function isMetadataSegment(segment: JpegSegment): boolean {
  const { marker } = segment;
  return marker === 0xfe || (marker >= 0xe1 && marker <= 0xef && marker !== 0xe2 && marker !== 0xee);
}

function inspectJpeg(bytes: Uint8Array): ImageFacts {
  const { segments, scanStart } = jpegHeaderSegments(bytes);
  let width: number | undefined;
  let height: number | undefined;
  let orientation = 1;
  let hasMetadata = false;
  for (const segment of segments) {
    const payload = segmentPayloadStart(segment, bytes);
    if (SOF_MARKERS.has(segment.marker)) {
      height = u16be(bytes, payload + 1);
      width = u16be(bytes, payload + 3);
    }
    if (isMetadataSegment(segment)) hasMetadata = true;
    if (isExifSegment(segment, bytes)) {
      orientation = readExifOrientation(bytes.subarray(payload + 6, segment.end)) ?? 1;
    } else if (segment.marker === 0xe1 && ascii(bytes, payload, XMP_HEADER.length) === XMP_HEADER) {
      hasMetadata = true;
    }
  }
  // The entropy-coded data cannot contain FF D9 (0xFF is always stuffed or a
  // restart marker), so an EOI after the first scan means the file is whole.
  const complete = scanStart > 0 && lastIndexOfPair(bytes, 0xff, 0xd9) > scanStart;
  return { format: 'jpeg', width, height, animated: false, orientation, hasMetadata, complete };
}

const ORIENTATION_TAG = 0x0112;

/** Finds IFD0's Orientation entry in a TIFF block (the part of APP1 after "Exif\0\0"). */
function findOrientationEntry(tiff: Uint8Array): { offset: number; little: boolean } | null {
  if (tiff.length < 8) return null;
  const little = tiff[0] === 0x49;
  const read16 = (at: number) => (little ? u16le(tiff, at) : u16be(tiff, at));
  const read32 = (at: number) => (little ? u32le(tiff, at) : u32be(tiff, at));
  const ifd = read32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = read16(ifd);
  for (let entry = 0; entry < count; entry += 1) {
    const at = ifd + 2 + entry * 12;
    if (at + 12 > tiff.length) return null;
    if (read16(at) === ORIENTATION_TAG) return { offset: at + 8, little };
  }
  return null;
}

function readExifOrientation(tiff: Uint8Array): number | null {
  const entry = findOrientationEntry(tiff);
  if (!entry) return null;
  const value = entry.little ? u16le(tiff, entry.offset) : u16be(tiff, entry.offset);
  return value >= 1 && value <= 8 ? value : null;
}

/**
 * HEIC keeps EXIF as an item, usually at the end of the file, as a TIFF block
 * whose first directory follows its 8-byte header. Found by that header
 * (8 bytes, so HEVC data matching it by chance is negligible) rather than by
 * walking the item tables, which would be a HEIF parser for one number.
 */
export function heicExifOrientation(bytes: Uint8Array): number {
  for (const header of [
    [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8],
    [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0],
  ]) {
    const at = indexOfBytes(bytes, header);
    if (at >= 0) return readExifOrientation(bytes.subarray(at)) ?? 1;
  }
  return 1;
}

/** The HEIF item properties that rotate or mirror the image (ISO 23008-12 irot, imir), which libheif applies itself. */
export function heicHasTransform(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, Math.min(bytes.length, 256 * 1024));
  return (
    indexOfBytes(
      head,
      [...'irot'].map((c) => c.charCodeAt(0)),
    ) >= 0 ||
    indexOfBytes(
      head,
      [...'imir'].map((c) => c.charCodeAt(0)),
    ) >= 0
  );
}

/**
 * The JPEG without metadata segments and without anything after its end
 * (phones append previews or motion-photo videos there). Pixels are untouched.
 * When the image is stored rotated, a minimal EXIF block with only the
 * orientation stays, so the original still displays upright.
 */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array {
  const { segments, scanStart } = jpegHeaderSegments(bytes);
  if (scanStart < 0) return bytes;
  const facts = inspectJpeg(bytes);
  const kept = segments.filter((segment) => !isMetadataSegment(segment));
  const end = jpegEnd(bytes, scanStart);
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  const [first, ...rest] = kept;
  if (first?.marker === 0xe0) parts.push(bytes.subarray(first.start, first.end));
  if (facts.orientation !== 1) parts.push(orientationOnlyExif(facts.orientation));
  for (const segment of first?.marker === 0xe0 ? rest : kept) parts.push(bytes.subarray(segment.start, segment.end));
  parts.push(bytes.subarray(scanStart, end));
  return concat(parts);
}

/** Offset just past the EOI marker, walking the scans (progressive files have many). */
function jpegEnd(bytes: Uint8Array, scanStart: number): number {
  for (let offset = scanStart; offset + 1 < bytes.length; offset += 1) {
    if (bytes[offset] !== 0xff) continue;
    const next = bytes[offset + 1] ?? 0;
    if (next === 0xd9) return offset + 2;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
    // A marker between scans (DHT, SOS, DRI...): skip its header.
    offset += 1 + u16be(bytes, offset + 2);
  }
  return bytes.length;
}

/** The EXIF APP1 segment of a JPEG (marker included), or null. */
export function extractExifSegment(bytes: Uint8Array): Uint8Array | null {
  const { segments } = jpegHeaderSegments(bytes);
  const exif = segments.find((segment) => isExifSegment(segment, bytes));
  // A copy (Node's Buffer.slice would share memory), so later edits never reach the original.
  return exif ? new Uint8Array(bytes.subarray(exif.start, exif.end)) : null;
}

/**
 * A re-encoded JPEG with the original's EXIF block carried over, its
 * orientation set to 1 because the pixels are now upright. Placed after
 * JFIF's APP0, where every reader we know of looks.
 */
export function insertExifSegment(jpeg: Uint8Array, exifSegment: Uint8Array): Uint8Array {
  const segment = new Uint8Array(exifSegment);
  const entry = findOrientationEntry(segment.subarray(4 + EXIF_HEADER.length));
  if (entry) {
    const at = 4 + EXIF_HEADER.length + entry.offset;
    segment[at] = entry.little ? 1 : 0;
    segment[at + 1] = entry.little ? 0 : 1;
  }
  // Canvas encoders write SOI, APP0 (JFIF) and no EXIF, so one insertion is enough.
  const { segments } = jpegHeaderSegments(jpeg);
  const insertAt = segments[0]?.marker === 0xe0 ? segments[0].end : 2;
  return concat([jpeg.subarray(0, insertAt), segment, jpeg.subarray(insertAt)]);
}

/** An APP1 segment whose EXIF holds only the orientation (big-endian TIFF, one IFD0 entry). */
export function orientationOnlyExif(orientation: number): Uint8Array {
  const tiff = [
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  const payload = [...new TextEncoder().encode(EXIF_HEADER), ...tiff];
  const length = payload.length + 2;
  return new Uint8Array([0xff, 0xe1, length >> 8, length & 0xff, ...payload]);
}

// ---------------------------------------------------------------- PNG

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Text, EXIF and timestamp chunks: metadata. Colour chunks (gAMA, cHRM, iCCP, sRGB) change how pixels look; kept. */
const PNG_METADATA_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

interface PngChunk {
  type: string;
  start: number;
  end: number;
  dataStart: number;
}

function pngChunks(bytes: Uint8Array): PngChunk[] {
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = u32be(bytes, offset);
    const end = offset + 12 + length;
    if (end > bytes.length) break;
    chunks.push({ type: ascii(bytes, offset + 4, 4), start: offset, end, dataStart: offset + 8 });
    offset = end;
  }
  return chunks;
}

function inspectPng(bytes: Uint8Array): ImageFacts {
  const chunks = pngChunks(bytes);
  const header = chunks[0]?.type === 'IHDR' ? chunks[0] : undefined;
  const firstData = chunks.findIndex((chunk) => chunk.type === 'IDAT');
  const actl = chunks.findIndex((chunk) => chunk.type === 'acTL');
  const frames = actl >= 0 ? u32be(bytes, (chunks[actl] as PngChunk).dataStart) : 1;
  return {
    format: 'png',
    width: header ? u32be(bytes, header.dataStart) : undefined,
    height: header ? u32be(bytes, header.dataStart + 4) : undefined,
    // APNG: an acTL chunk before the first IDAT announces the frames.
    animated: actl >= 0 && (firstData < 0 || actl < firstData) && frames > 1,
    orientation: 1,
    hasMetadata: chunks.some((chunk) => PNG_METADATA_CHUNKS.has(chunk.type)),
    complete: chunks.at(-1)?.type === 'IEND',
  };
}

/** The PNG without text, EXIF and timestamp chunks. Each chunk has its own CRC, so the rest stays valid. */
export function stripPngMetadata(bytes: Uint8Array): Uint8Array {
  const chunks = pngChunks(bytes);
  return concat([
    bytes.subarray(0, 8),
    ...chunks
      .filter((chunk) => !PNG_METADATA_CHUNKS.has(chunk.type))
      .map((chunk) => bytes.subarray(chunk.start, chunk.end)),
  ]);
}

// ---------------------------------------------------------------- GIF

function inspectGif(bytes: Uint8Array): ImageFacts {
  const width = u16le(bytes, 6);
  const height = u16le(bytes, 8);
  let offset = 13 + colourTableSize(bytes[10] ?? 0);
  let frames = 0;
  let complete = false;
  let hasMetadata = false;
  while (offset < bytes.length) {
    const block = bytes[offset];
    if (block === 0x3b) {
      complete = true;
      break;
    }
    if (block === 0x21) {
      if (bytes[offset + 1] === 0xfe) hasMetadata = true; // comment extension
      offset = skipSubBlocks(bytes, offset + 2);
    } else if (block === 0x2c) {
      frames += 1;
      offset += 10 + colourTableSize(bytes[offset + 9] ?? 0);
      offset = skipSubBlocks(bytes, offset + 1); // after the LZW minimum code size
    } else {
      break;
    }
  }
  return { format: 'gif', width, height, animated: frames > 1, orientation: 1, hasMetadata, complete };
}

function colourTableSize(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}

function skipSubBlocks(bytes: Uint8Array, offset: number): number {
  let at = offset;
  while (at < bytes.length) {
    const size = bytes[at] ?? 0;
    at += 1 + size;
    if (size === 0) return at;
  }
  return bytes.length + 1;
}

// ---------------------------------------------------------------- WebP

function inspectWebp(bytes: Uint8Array): ImageFacts {
  const facts: ImageFacts = {
    format: 'webp',
    animated: false,
    orientation: 1,
    hasMetadata: false,
    complete: bytes.length >= 8 + u32le(bytes, 4),
  };
  const chunk = ascii(bytes, 12, 4);
  const data = 20;
  if (chunk === 'VP8X') {
    const flags = bytes[data] ?? 0;
    facts.animated = (flags & 0x02) !== 0;
    facts.hasMetadata = (flags & 0x0c) !== 0; // EXIF or XMP
    facts.width = 1 + u24le(bytes, data + 4);
    facts.height = 1 + u24le(bytes, data + 7);
  } else if (chunk === 'VP8 ') {
    facts.width = u16le(bytes, data + 6) & 0x3fff;
    facts.height = u16le(bytes, data + 8) & 0x3fff;
  } else if (chunk === 'VP8L') {
    const bits = u32le(bytes, data + 1);
    facts.width = 1 + (bits & 0x3fff);
    facts.height = 1 + ((bits >> 14) & 0x3fff);
  }
  return facts;
}

// ---------------------------------------------------------------- SVG

function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<') && /<svg[\s>]/i.test(head);
}

// ---------------------------------------------------------------- helpers

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}
function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + Math.max(0, length)));
}
function u16be(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}
function u16le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}
function u24le(bytes: Uint8Array, at: number): number {
  return u16le(bytes, at) | ((bytes[at + 2] ?? 0) << 16);
}
function u32be(bytes: Uint8Array, at: number): number {
  return u16be(bytes, at) * 0x10000 + u16be(bytes, at + 2);
}
function u32le(bytes: Uint8Array, at: number): number {
  return u16le(bytes, at) + u16le(bytes, at + 2) * 0x10000;
}
function i32le(bytes: Uint8Array, at: number): number {
  return u32le(bytes, at) | 0;
}
function indexOfBytes(bytes: Uint8Array, pattern: number[]): number {
  const first = pattern[0];
  for (
    let at = bytes.indexOf(first ?? 0);
    at >= 0 && at + pattern.length <= bytes.length;
    at = bytes.indexOf(first ?? 0, at + 1)
  ) {
    if (pattern.every((byte, index) => bytes[at + index] === byte)) return at;
  }
  return -1;
}
function lastIndexOfPair(bytes: Uint8Array, first: number, second: number): number {
  for (let at = bytes.length - 2; at >= 0; at -= 1) if (bytes[at] === first && bytes[at + 1] === second) return at;
  return -1;
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
