import { cheveretoHost } from './chevereto';
import { cloudinaryHost } from './cloudinary';
import { githubHost } from './github';
import { imgbbHost } from './imgbb';
import { imgurHost } from './imgur';
import { lskyProHost } from './lsky-pro';
import { mediawikiHost } from './mediawiki';
import { piclistHost } from './piclist';
import type { HostPreset } from './preset';
import { s3Host } from './s3';
import { wordpressHost } from './wordpress';

/** The gallery's hosts, in the order it shows them. One import and one entry per host file. */
export const HOST_PRESETS: readonly HostPreset[] = [
  imgbbHost,
  imgurHost,
  cloudinaryHost,
  cheveretoHost,
  lskyProHost,
  wordpressHost,
  githubHost,
  mediawikiHost,
  piclistHost,
  s3Host,
];
