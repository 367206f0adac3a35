import { ssim } from 'ssim.js';
import { describe, expect, it } from 'vitest';
import { meanSsim, type Pixels } from '@/utils/compress/ssim';

/** RGBA pixels from a function of position; deterministic. */
function image(
  width: number,
  height: number,
  at: (x: number, y: number, channel: number) => number,
): Pixels & { data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let channel = 0; channel < 4; channel += 1) {
        data[(y * width + x) * 4 + channel] = channel === 3 ? 255 : at(x, y, channel);
      }
    }
  }
  return { data, width, height };
}

const noise = (x: number, y: number, channel: number) =>
  ((x * 73856093) ^ (y * 19349663) ^ (channel * 83492791)) >>> 24;
const gradient = (x: number, y: number, channel: number) => (x * 2 + y + channel * 40) % 256;

describe("meanSsim: ssim.js's default (Weber) score, computed fast", () => {
  it.each([
    [
      'noise against a blurred copy',
      noise,
      (x: number, y: number, c: number) => (noise(x, y, c) + noise(x + 1, y, c)) >> 1,
    ],
    ['a gradient against a banded copy', gradient, (x: number, y: number, c: number) => gradient(x, y, c) & 0xf0],
    ['a gradient against noise', gradient, noise],
  ])('%s scores as ssim.js does', (_name, first, second) => {
    const reference = image(97, 64, first);
    const output = image(97, 64, second);
    const expected = ssim(reference, output, { downsample: false }).mssim;
    expect(meanSsim(reference, output)).toBeCloseTo(expected, 9);
  });

  it('an image against itself scores 1; different sizes are refused', () => {
    const reference = image(40, 30, noise);
    expect(meanSsim(reference, reference)).toBeCloseTo(1, 12);
    expect(() => meanSsim(reference, image(30, 40, noise))).toThrow();
  });
});
