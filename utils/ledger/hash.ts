/**
 * SHA-256 of a file's bytes, as lowercase hex. crypto.subtle hashes off the
 * JavaScript thread; the background calls it, so a 16 MB original never
 * holds up the panel (docs/ledger.md#where-the-hashing-happens).
 */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
