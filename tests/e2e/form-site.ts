import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import type { FrameLocator, Page } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';
import { openPanelFromPopup } from '../../scripts/lib/browser';
import { type Harness, startHarness } from './harness';

/** A file the site kept. */
export interface StoredMedia {
  filename: string;
  size: number;
  caption: string;
  licence: string;
}

/**
 * A small site shaped like WordPress's browser uploader (wp-admin/media-new.php
 * with the "html-uploader" form): a session cookie from signing in, a nonce
 * in a hidden field, and a submit button named `html-upload`. Like
 * WordPress, it stores the file ONLY when `html-upload` is in the post (the
 * page is shown again otherwise); a post without a session is redirected to
 * the sign-in page; a refused file shows the form again with an error
 * notice; a kept file leads to the media library, which lists it. `quiet`
 * makes it answer a kept file with a page that does not name it.
 * Only on 127.0.0.1.
 */
export interface FormSite {
  origin: string;
  /** Every file kept, in order. */
  media: StoredMedia[];
  /** Every POST to the uploader, with its field names in order (files included). */
  posts: { fieldNames: string[]; signedIn: boolean }[];
  /** Ends every session: the next post is redirected to the sign-in page. */
  signOut(): void;
  /** Answer kept files with a page that does not name them. */
  quiet: boolean;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'wordpress_logged_in';

export async function startFormSite(): Promise<FormSite> {
  const sessions = new Set<string>();
  const nonces = new Set<string>();
  const site: Omit<FormSite, 'origin' | 'close'> = {
    media: [],
    posts: [],
    quiet: false,
    signOut: () => sessions.clear(),
  };
  const sessionOf = (request: IncomingMessage) => {
    const cookie = (request.headers.cookie ?? '').split(/;\s*/).find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
    const id = cookie?.slice(SESSION_COOKIE.length + 1);
    return id && sessions.has(id) ? id : undefined;
  };
  const html = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
    response
      .writeHead(status, { 'content-type': 'text/html; charset=UTF-8', 'cache-control': 'no-store', ...headers })
      .end(
        `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>My Blog</title></head><body>${body}</body></html>`,
      );

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/wp-login.php') {
      if (request.method === 'GET' && url.searchParams.has('sign-in')) {
        // The test's stand-in for typing a password: a new session, then back to the uploader.
        const id = randomUUID();
        sessions.add(id);
        response
          .writeHead(302, {
            location: '/wp-admin/media-new.php',
            'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`,
          })
          .end();
        return;
      }
      request.resume();
      return html(
        response,
        200,
        `<form name="loginform" id="loginform" action="/wp-login.php" method="post">
          <p><label for="user_login">Username or Email Address</label><input type="text" name="log" id="user_login"></p>
          <p><label for="user_pass">Password</label><input type="password" name="pwd" id="user_pass"></p>
          <p class="submit"><input type="submit" name="wp-submit" value="Log In"></p></form>`,
      );
    }
    if (url.pathname === '/wp-admin/upload.php' && request.method === 'GET') {
      if (!sessionOf(request)) return signInRedirect(response);
      const rows = site.media.map((item) => `<tr><td class="title">${escapeHtml(item.filename)}</td></tr>`).join('');
      return html(response, 200, `<div class="wrap"><h1>Media Library</h1><table>${rows}</table></div>`);
    }
    if (url.pathname !== '/wp-admin/media-new.php') {
      request.resume();
      return html(response, 404, '<p>Not found</p>');
    }
    if (request.method === 'GET') {
      if (!sessionOf(request)) return signInRedirect(response);
      return html(response, 200, uploaderPage(newNonce()));
    }
    receivePost(request, response);
  });

  function newNonce(): string {
    const nonce = randomUUID().slice(0, 10);
    nonces.add(nonce);
    return nonce;
  }

  function signInRedirect(response: ServerResponse): void {
    response.writeHead(302, { location: '/wp-login.php?redirect_to=%2Fwp-admin%2Fmedia-new.php&reauth=1' }).end();
  }

  function receivePost(request: IncomingMessage, response: ServerResponse): void {
    const signedIn = sessionOf(request) !== undefined;
    const fieldNames: string[] = [];
    const fields: Record<string, string> = {};
    let file: { filename: string; size: number } | undefined;
    const parser = busboy({ headers: request.headers });
    parser.on('field', (name, value) => {
      fieldNames.push(name);
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      fieldNames.push(name);
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('end', () => {
        if (name === 'async-upload' && info.filename) file = { filename: info.filename, size };
      });
    });
    parser.on('close', () => {
      site.posts.push({ fieldNames, signedIn });
      if (!signedIn) return signInRedirect(response);
      // As WordPress: only the browser uploader's own button makes it handle the upload.
      if (!('html-upload' in fields)) return html(response, 200, uploaderPage(newNonce()));
      if (!nonces.has(fields._wpnonce ?? '')) {
        return html(response, 403, '<div class="wp-die-message">The link you followed has expired.</div>');
      }
      if (!file || file.size === 0 || /refused/i.test(file.filename)) {
        const name = escapeHtml(file?.filename ?? '');
        const notice = `<div class="error notice"><p>&#8220;${name}&#8221; has failed to upload. Sorry, you are not allowed to upload this file type.</p></div>`;
        return html(response, 200, uploaderPage(newNonce(), notice));
      }
      site.media.push({ ...file, caption: fields.caption ?? '', licence: fields.licence ?? '' });
      if (site.quiet) return html(response, 200, '<div class="wrap"><p>Thank you.</p></div>');
      response.writeHead(302, { location: '/wp-admin/upload.php' }).end();
    });
    parser.on('error', () => response.writeHead(400).end());
    request.pipe(parser);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(site, {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function uploaderPage(nonce: string, notice = ''): string {
  return `<div class="wrap"><h1>Upload New Media</h1>${notice}
<form enctype="multipart/form-data" method="post" action="/wp-admin/media-new.php" class="media-upload-form type-form validate html-uploader" id="file-form">
  <p id="async-upload-wrap">
    <label class="screen-reader-text" for="async-upload">Upload</label>
    <input type="file" name="async-upload" id="async-upload">
    <input type="submit" name="html-upload" id="html-upload" class="button button-primary" value="Upload">
  </p>
  <p><label for="caption">Caption</label> <input type="text" name="caption" id="caption" required></p>
  <p><label for="licence">Licence</label> <select name="licence" id="licence"><option value="all">All rights reserved</option><option value="cc-by">CC BY 4.0</option></select></p>
  <input type="hidden" name="post_id" id="post_id" value="0">
  <input type="hidden" id="_wpnonce" name="_wpnonce" value="${nonce}"><input type="hidden" name="_wp_http_referer" value="/wp-admin/media-new.php">
</form></div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A browser harness and the form site for each test of the calling suite,
 * started before it and closed after it. Read the fields inside the tests.
 */
export function useFormSite(): { harness: Harness; site: FormSite } {
  const context = {} as { harness: Harness; site: FormSite };
  beforeEach(async () => {
    [context.harness, context.site] = await Promise.all([startHarness(), startFormSite()]);
  });
  afterEach(async () => {
    await Promise.all([context.harness?.dispose(), context.site?.close()]);
  });
  return context;
}

/** Signs in to the site in a new tab (a fresh session cookie), which lands on its uploader page. */
export async function signIn(harness: Harness, site: FormSite): Promise<Page> {
  const page = await harness.browser.context.newPage();
  await page.goto(`${site.origin}/wp-login.php?sign-in=1`);
  return page;
}

/** Signs in, then opens the panel on the site's uploader page through the popup. */
export async function openSiteUploader(harness: Harness, site: FormSite): Promise<{ page: Page; panel: FrameLocator }> {
  const page = await signIn(harness, site);
  return { page, panel: await openPanelFromPopup(harness.browser, page) };
}
