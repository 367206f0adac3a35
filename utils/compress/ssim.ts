/**
 * Mean SSIM exactly as `ssim.js` computes it by default (Weber's variant:
 * integer luma, 11x11 box windows from summed-area tables, k1 0.01, k2 0.03,
 * variances kept to 1/1024), rewritten with typed arrays and one pass per
 * table. Why not call ssim.js: it takes about 60 ms for one 576x384 probe of
 * the quality search (callbacks and a boxed array per pixel), which alone
 * would make compression several times the native pass; this takes a few.
 * tests/unit/ssim.test.ts checks it against ssim.js itself.
 */

const WINDOW = 11;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

export interface Pixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

export function meanSsim(reference: Pixels, output: Pixels): number {
  const { width, height } = reference;
  if (output.width !== width || output.height !== height) throw new Error('images differ in size');
  const x = luma(reference);
  const y = luma(output);
  const stride = width + 1;
  // Summed-area tables: entry (row, column) holds the sum over all pixels above and to the left.
  const sumX = new Float64Array(stride * (height + 1));
  const sumY = new Float64Array(sumX.length);
  const sumXX = new Float64Array(sumX.length);
  const sumYY = new Float64Array(sumX.length);
  const sumXY = new Float64Array(sumX.length);
  for (let row = 0; row < height; row += 1) {
    let rowX = 0;
    let rowY = 0;
    let rowXX = 0;
    let rowYY = 0;
    let rowXY = 0;
    for (let column = 0; column < width; column += 1) {
      const a = x[row * width + column] as number;
      const b = y[row * width + column] as number;
      rowX += a;
      rowY += b;
      rowXX += a * a;
      rowYY += b * b;
      rowXY += a * b;
      const at = (row + 1) * stride + column + 1;
      const above = at - stride;
      sumX[at] = (sumX[above] as number) + rowX;
      sumY[at] = (sumY[above] as number) + rowY;
      sumXX[at] = (sumXX[above] as number) + rowXX;
      sumYY[at] = (sumYY[above] as number) + rowYY;
      sumXY[at] = (sumXY[above] as number) + rowXY;
    }
  }
  const area = WINDOW * WINDOW;
  const box = (table: Float64Array, top: number, left: number) =>
    (table[(top + WINDOW) * stride + left + WINDOW] as number) -
    (table[top * stride + left + WINDOW] as number) -
    (table[(top + WINDOW) * stride + left] as number) +
    (table[top * stride + left] as number);
  let total = 0;
  let count = 0;
  for (let top = 0; top + WINDOW <= height; top += 1) {
    for (let left = 0; left + WINDOW <= width; left += 1) {
      const meanX = box(sumX, top, left) / area;
      const meanY = box(sumY, top, left) / area;
      // ssim.js stores these in an Int32Array scaled by 1024: truncated, then divided back.
      const varianceX = Math.trunc(1024 * (box(sumXX, top, left) / area - meanX * meanX)) / 1024;
      const varianceY = Math.trunc(1024 * (box(sumYY, top, left) / area - meanY * meanY)) / 1024;
      const covariance = Math.trunc(1024 * (box(sumXY, top, left) / area - meanX * meanY)) / 1024;
      total +=
        ((2 * meanX * meanY + C1) * (2 * covariance + C2)) /
        (meanX * meanX + meanY * meanY + C1) /
        (varianceX + varianceY + C2);
      count += 1;
    }
  }
  return count === 0 ? 1 : total / count;
}

/** ssim.js's integer luma: (77 R + 150 G + 29 B + 128) >> 8. */
function luma({ data, width, height }: Pixels): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let pixel = 0, at = 0; pixel < out.length; pixel += 1, at += 4) {
    out[pixel] =
      (77 * (data[at] as number) + 150 * (data[at + 1] as number) + 29 * (data[at + 2] as number) + 128) >> 8;
  }
  return out;
}
