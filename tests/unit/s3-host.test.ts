import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HOST_PRESETS } from '@/utils/destinations/hosts';
import { fillPreset, hostPresetSchema } from '@/utils/destinations/hosts/preset';
import { s3Host } from '@/utils/destinations/hosts/s3';
import { validateDestination } from '@/utils/destinations/model';
import { destinationSchema } from '@/utils/destinations/schema';

/** As the gallery fills it (HostGallery -> fillPreset), with the user's answers. */
function filled(answers: Record<string, string>) {
  return fillPreset(s3Host, answers);
}

describe('the S3 preset (presigned, through a signing endpoint)', () => {
  it('is in the gallery and is a well-formed preset', () => {
    expect(HOST_PRESETS).toContain(s3Host);
    expect(() => v.parse(hostPresetSchema, s3Host)).not.toThrow();
  });

  it('asks for every hole it has, and nothing else', () => {
    const holes = new Set([...JSON.stringify(s3Host.destination).matchAll(/\[\[(\w+)\]\]/g)].map((match) => match[1]));
    expect([...holes].sort()).toEqual(s3Host.asks.map((ask) => ask.key).sort());
  });

  it('answered, is a destination that saves: an S3 transport signed by the endpoint, holding no key', () => {
    const destination = filled({
      signingUrl: 'https://sign.example/s3',
      token: 't0k3n',
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      bucket: 'my-photos',
    });
    expect(v.safeParse(destinationSchema, destination).success).toBe(true);
    expect(validateDestination(destination)).toEqual([]);
    expect(destination.transport).toMatchObject({
      kind: 's3-multipart',
      signing: 'endpoint',
      signingUrl: 'https://sign.example/s3',
      bucket: 'my-photos',
      accessKeyId: '',
      secretAccessKey: '',
    });
    expect(destination.url).toBe('https://my-photos.s3.amazonaws.com/');
  });
});
