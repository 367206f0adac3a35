import { describe, expect, it } from 'vitest';
import { renameForType } from '@/utils/compress/compress-image';

describe('renameForType', () => {
  it.each([
    ['photo.png', 'image/jpeg', 'photo.jpg'],
    ['photo.JPEG', 'image/jpeg', 'photo.jpg'],
    ['cutout.png', 'image/webp', 'cutout.webp'],
    ['archive.tar.png', 'image/jpeg', 'archive.tar.jpg'],
    ['noextension', 'image/jpeg', 'noextension.jpg'],
    ['.hidden', 'image/jpeg', '.hidden.jpg'],
  ])('%s as %s is %s', (name, type, expected) => expect(renameForType(name, type)).toBe(expected));
});
