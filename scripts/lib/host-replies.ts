import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The receiver posing as ready-made hosts (utils/destinations/hosts/): it
 * answers in each host's documented shape, taken from the recorded example
 * the unit tests check the presets against (tests/fixtures/hosts/), with the
 * URLs pointing at the file the receiver really stored. A site address for a
 * preset is `${origin}/chevereto`; a MediaWiki api.php is `${origin}/mediawiki/api.php`.
 */

export interface HostReply {
  status: number;
  body: string;
  contentType: string;
}

/** What the receiver stored of an upload, as far as a host's reply needs it. */
interface Stored {
  url: string;
  savedAs: string;
  fields: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

const RECORDED = path.resolve(import.meta.dirname, '../../tests/fixtures/hosts');
const recordedReply = (id: string) =>
  (JSON.parse(readFileSync(path.join(RECORDED, `${id}.json`), 'utf8')) as { reply: { body: unknown } }).reply.body;
const json = (status: number, body: unknown): HostReply => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json',
});

/** The CSRF token a MediaWiki hands a signed-in session (the receiver's form cookie), or the anonymous "+\". */
export function mediawikiToken(cookieHeader: string | undefined, sessionCookie: string): string {
  const signedIn = (cookieHeader ?? '').split(/;\s*/).includes(sessionCookie);
  return signedIn ? `${createHash('sha256').update(sessionCookie).digest('hex').slice(0, 32)}+\\` : '+\\';
}

/** GET api.php?action=query&meta=tokens: MediaWiki's reply (https://www.mediawiki.org/wiki/API:Tokens). */
export function mediawikiTokenReply(cookieHeader: string | undefined, sessionCookie: string): HostReply {
  return json(200, {
    batchcomplete: '',
    query: { tokens: { csrftoken: mediawikiToken(cookieHeader, sessionCookie) } },
  });
}

/** Upload replies by path; `sessionCookie` is the receiver's form cookie (a signed-in wiki session). */
export function hostReplies(sessionCookie: string): Record<string, (upload: Stored, origin: string) => HostReply> {
  return {
    '/chevereto/api/1/upload': (upload, origin) => {
      const body = structuredClone(recordedReply('chevereto')) as {
        image: { url: string; thumb: { url: string }; delete_url: string };
      };
      body.image.url = upload.url;
      body.image.thumb.url = `${upload.url}?thumb=1`;
      body.image.delete_url = `${origin}/delete/${encodeURIComponent(upload.savedAs)}`;
      return json(200, body);
    },
    // MediaWiki refuses with status 200 and an `error` object (https://www.mediawiki.org/wiki/API:Errors_and_warnings).
    '/mediawiki/api.php': (upload) => {
      const cookie = typeof upload.headers.cookie === 'string' ? upload.headers.cookie : undefined;
      const expected = mediawikiToken(cookie, sessionCookie);
      if (expected === '+\\') {
        return json(200, { error: { code: 'mustbeloggedin', info: 'You must be logged in to upload this file.' } });
      }
      if (upload.fields.token !== expected) {
        return json(200, { error: { code: 'badtoken', info: 'Invalid CSRF token.' } });
      }
      const body = structuredClone(recordedReply('mediawiki')) as { upload: { imageinfo: { url: string } } };
      body.upload.imageinfo.url = upload.url;
      return json(200, body);
    },
  };
}
