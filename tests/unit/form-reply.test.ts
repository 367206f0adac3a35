import { describe, expect, it } from 'vitest';
import { newDestination, snapshotOf } from '@/utils/destinations/model';
import { parseReply as parseUploadResponse } from '@/utils/upload/parse-reply';
import type { ReplyInfo } from '@/utils/upload/read-reply';

const pageForm = {
  ...snapshotOf(newDestination({ url: 'https://blog.example/wp-admin/media-new.php' })),
  body: { kind: 'multipart' as const, fileField: 'async-upload', fields: [] },
  reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
  page: { kind: 'form' as const },
};

function reply(body: string, overrides: Partial<ReplyInfo> = {}): ReplyInfo {
  return {
    status: 200,
    headers: new Headers({ 'content-type': 'text/html; charset=UTF-8' }),
    url: 'https://blog.example/wp-admin/upload.php',
    redirected: true,
    body,
    ...overrides,
  };
}

const FORM_AGAIN = `<form enctype="multipart/form-data" method="post" action="media-new.php">
  <input type="file" name="async-upload"><input type="submit" name="html-upload" value="Upload"></form>`;

describe("a page form's reply: Done only when the site says it kept the file", () => {
  it('a sign-in page (a password field), after a redirect or not: signed out, never done', () => {
    const login = `<form name="loginform" action="/wp-login.php" method="post"><input name="log"><input type="password" name="pwd"></form>`;
    for (const info of [
      reply(login, { url: 'https://blog.example/wp-login.php?redirect_to=x' }),
      reply(login, { redirected: false, url: 'https://blog.example/wp-admin/media-new.php' }),
      // A sign-in address with no password field on the page (a single sign-on button).
      reply('<a href="/sso">Continue with SSO</a>', { url: 'https://blog.example/account/login?next=/' }),
    ]) {
      expect(parseUploadResponse(pageForm, info, 'cat.jpg')).toMatchObject({
        ok: false,
        kind: 'unreadable',
        problem: 'signed-out',
        httpStatus: 200,
      });
    }
  });

  it('the form shown again with an error message: failed, with the message as the excerpt', () => {
    const page = `<div class="wrap"><h1>Upload New Media</h1>
      <div class="error notice"><p>&#8220;cat.jpg&#8221; has failed to upload. Sorry, you are not allowed to upload this file type.</p></div>
      ${FORM_AGAIN}</div>`;
    const outcome = parseUploadResponse(pageForm, reply(page, { redirected: false }), 'cat.jpg');
    expect(outcome).toMatchObject({ ok: false, problem: 'form-error', kind: 'unreadable' });
    expect(outcome.ok === false && outcome.excerpt).toContain('Sorry, you are not allowed to upload this file type.');
  });

  it('a page that names the file, or 201 Created: done', () => {
    const library =
      '<table class="media"><tr><td><a href="post.php?post=7">summer-cat-01</a></td><td>summer_cat_01.jpg</td></tr></table>';
    expect(parseUploadResponse(pageForm, reply(library), 'Summer cat 01.jpg')).toEqual({ ok: true, httpStatus: 200 });
    expect(parseUploadResponse(pageForm, reply('', { status: 201 }), 'x.jpg')).toEqual({ ok: true, httpStatus: 201 });
  });

  it('a page that says nothing about the file, or the form again without an error: sent, not confirmed', () => {
    for (const body of ['<p>Thanks!</p>', FORM_AGAIN, '{"ok":true}']) {
      expect(parseUploadResponse(pageForm, reply(body), 'cat-photo.jpg')).toEqual({
        ok: true,
        httpStatus: 200,
        unconfirmed: true,
      });
    }
    // A name too short to prove anything is not looked for.
    expect(parseUploadResponse(pageForm, reply('<p>a b c</p>'), 'a.jpg')).toMatchObject({ unconfirmed: true });
  });

  it('an error status is still an HTTP failure, and an API destination is read as before', () => {
    expect(parseUploadResponse(pageForm, reply('<p>Server error</p>', { status: 500 }), 'x.jpg')).toMatchObject({
      ok: false,
      kind: 'http',
      httpStatus: 500,
    });
    const { page: _page, ...api } = pageForm;
    expect(
      parseUploadResponse({ ...api, reply: { ...api.reply, url: '' } }, reply('<p>Thanks!</p>'), 'cat-photo.jpg'),
    ).toEqual({ ok: true, httpStatus: 200 });
  });
});
