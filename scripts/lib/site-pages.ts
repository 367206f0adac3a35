/**
 * Test "sites" whose own uploader is a real upload library from npm, each set
 * up the way its docs show, served by the receiver at `/sites/NAME.html` and
 * uploading to the receiver on the same origin (as a site's uploader posts to
 * its own server). The libraries' dist files come from node_modules; Uppy 6
 * ships ES modules only, so its three packages are bundled once with esbuild.
 *
 * `?parallel=N` sets the library's concurrent-upload option; `?autoProceed=0`
 * makes Uppy wait for its own Upload button, as its default does. Dropzone and
 * FilePond default to 2; sites raise it for speed (Dropzone's own "combine
 * with a form" example sets `parallelUploads: 100`), and the tests and
 * bench:sites use 6, the browser's connections per host.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The uploaders a test page exists for. */
export const SITE_UPLOADERS = ['dropzone', 'filepond', 'uppy', 'blueimp'] as const;
export type SiteUploader = (typeof SITE_UPLOADERS)[number];

/** Display names, as the bench table prints them. */
export const SITE_UPLOADER_NAMES: Record<SiteUploader, string> = {
  dropzone: 'Dropzone 6',
  filepond: 'FilePond 4',
  uppy: 'Uppy 6 Dashboard + XHR',
  blueimp: 'jQuery File Upload 10',
};

/**
 * Uploads each library runs at once when a page leaves its option unset
 * (read from the library's own defaults in node_modules): Dropzone's
 * parallelUploads, FilePond's maxParallelUploads, Uppy XHRUpload's limit;
 * jQuery File Upload's limitConcurrentUploads is unset (no limit of its own:
 * the browser's 6 connections per host).
 */
export const SITE_UPLOADER_DEFAULT_PARALLEL: Record<SiteUploader, string> = {
  dropzone: '2',
  filepond: '2',
  uppy: '5',
  blueimp: 'no limit',
};

/** Files a page may load, by URL path under /vendor/; nothing else in node_modules is served. */
const VENDOR_FILES: Record<string, string> = {
  'dropzone.js': 'node_modules/dropzone/dist/dropzone-min.js',
  'dropzone.css': 'node_modules/dropzone/dist/dropzone.css',
  'filepond.js': 'node_modules/filepond/dist/filepond.min.js',
  'filepond.css': 'node_modules/filepond/dist/filepond.min.css',
  'uppy-core.css': 'node_modules/@uppy/core/dist/style.min.css',
  'uppy-dashboard.css': 'node_modules/@uppy/dashboard/dist/style.min.css',
  'jquery.js': 'node_modules/jquery/dist/jquery.min.js',
  'jquery.ui.widget.js': 'node_modules/blueimp-file-upload/js/vendor/jquery.ui.widget.js',
  'jquery.iframe-transport.js': 'node_modules/blueimp-file-upload/js/jquery.iframe-transport.js',
  'jquery.fileupload.js': 'node_modules/blueimp-file-upload/js/jquery.fileupload.js',
};

let uppyBundle: Promise<string> | undefined;

/** Uppy's packages as one browser script that sets `window.UppyKit`. */
function bundleUppy(): Promise<string> {
  uppyBundle ??= import('esbuild').then(async (esbuild) => {
    const result = await esbuild.build({
      stdin: {
        contents: `import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import XHRUpload from '@uppy/xhr-upload';
window.UppyKit = { Uppy, Dashboard, XHRUpload };`,
        resolveDir: ROOT,
        loader: 'js',
      },
      bundle: true,
      format: 'iife',
      minify: true,
      write: false,
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    return result.outputFiles[0]?.text ?? '';
  });
  return uppyBundle;
}

function page(title: string, head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}
<style>body{font:15px system-ui;margin:24px;max-width:760px}</style></head><body>${body}</body></html>`;
}

/** The page for one uploader, or undefined for an unknown name. */
export function sitePage(name: string, search: URLSearchParams): string | undefined {
  // Absent: the library's own default (not 1).
  const asked = search.get('parallel');
  const parallel = asked ? Math.max(1, Number(asked)) || undefined : undefined;
  switch (name) {
    case 'dropzone':
      // Dropzone's docs: `new Dropzone("div#myId", { url: "/file/post"})` on a plain element, no form.
      return page(
        'Product photos',
        '<link rel="stylesheet" href="/vendor/dropzone.css"><script src="/vendor/dropzone.js"></script>',
        `<h1>Product photos</h1>
<div id="photos" class="dropzone"></div>
<script>
Dropzone.autoDiscover = false;
window.siteUploader = new Dropzone('div#photos', { url: '/upload'${parallel ? `, parallelUploads: ${parallel}` : ''} });
</script>`,
      );
    case 'filepond':
      // FilePond's docs: an <input type=file class=filepond>, FilePond.create, `server` pointing at the endpoint.
      return page(
        'Gallery',
        '<link rel="stylesheet" href="/vendor/filepond.css"><script src="/vendor/filepond.js"></script>',
        `<h1>Gallery</h1>
<input type="file" class="filepond" name="filepond" multiple>
<script>
window.siteUploader = FilePond.create(document.querySelector('input.filepond'), {
  server: '/upload'${parallel ? `, maxParallelUploads: ${parallel}` : ''}
});
</script>`,
      );
    case 'uppy':
      // Uppy's docs: new Uppy().use(Dashboard, { inline: true, target }).use(XHRUpload, { endpoint }).
      return page(
        'Media library',
        '<link rel="stylesheet" href="/vendor/uppy-core.css"><link rel="stylesheet" href="/vendor/uppy-dashboard.css"><script src="/vendor/uppy.js"></script>',
        `<h1>Media library</h1>
<div id="uppy"></div>
<script>
const { Uppy, Dashboard, XHRUpload } = window.UppyKit;
window.siteUploader = new Uppy({ autoProceed: ${search.get('autoProceed') !== '0'} })
  .use(Dashboard, { inline: true, target: '#uppy', height: 420 })
  .use(XHRUpload, { endpoint: '/upload'${parallel ? `, limit: ${parallel}` : ''} });
</script>`,
      );
    case 'blueimp':
      // jQuery File Upload's basic plugin docs: a file input behind a "fileinput-button", dataType json.
      return page(
        'Attachments',
        '<script src="/vendor/jquery.js"></script><script src="/vendor/jquery.ui.widget.js"></script>' +
          '<script src="/vendor/jquery.iframe-transport.js"></script><script src="/vendor/jquery.fileupload.js"></script>' +
          '<style>.fileinput-button{position:relative;overflow:hidden;display:inline-block;padding:6px 12px;background:#2b6cb0;color:#fff;border-radius:4px}' +
          '.fileinput-button input{position:absolute;top:0;right:0;margin:0;opacity:0;font-size:200px;cursor:pointer}</style>',
        `<h1>Attachments</h1>
<span class="btn btn-success fileinput-button"><span>Add files...</span>
  <input id="fileupload" type="file" name="files[]" data-url="/upload/blueimp" multiple></span>
<ul id="files"></ul>
<script>
$(function () {
  $('#fileupload').fileupload({
    dataType: 'json',${parallel ? ` limitConcurrentUploads: ${parallel},` : ''}
    done: function (e, data) {
      $.each(data.result.files, function (index, file) { $('<li/>').text(file.name).appendTo('#files'); });
    },
    fail: function (e, data) {
      $.each(data.files, function (index, file) { $('<li class="error"/>').text(file.name + ': ' + data.errorThrown).appendTo('#files'); });
    }
  });
});
</script>`,
      );
    case 'framed':
      // The uploader lives in a same-origin frame; beside it, a frame of another origin (localhost is not 127.0.0.1).
      return page(
        'Editor',
        '',
        `<h1>Editor</h1>
<iframe id="media" src="/sites/dropzone.html" style="width:700px;height:300px"></iframe>
<iframe id="ad" src="http://localhost:${search.get('port') ?? ''}/" style="width:300px;height:100px"></iframe>`,
      );
    case 'hostile':
      return page('Free photo hosting', '', HOSTILE_SITE);
    default:
      return undefined;
  }
}

/**
 * Serves `/sites/NAME.html` and `/vendor/FILE`; false when the path is neither
 * (the receiver then goes on with its other routes).
 */
export function serveSitePages(url: URL, response: ServerResponse): boolean {
  const siteMatch = /^\/sites\/([\w-]+)\.html$/.exec(url.pathname);
  if (siteMatch) {
    const html = sitePage(siteMatch[1] ?? '', url.searchParams);
    response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(html ?? 'no such site');
    return true;
  }
  if (!url.pathname.startsWith('/vendor/')) return false;
  const file = url.pathname.slice('/vendor/'.length);
  const contentType = file.endsWith('.css') ? 'text/css' : 'text/javascript';
  const body = file === 'uppy.js' ? bundleUppy() : VENDOR_FILES[file] && readFile(path.join(ROOT, VENDOR_FILES[file]));
  if (!body) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
    return true;
  }
  body.then(
    (content) => {
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'max-age=600' });
      response.end(content);
    },
    (error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    },
  );
  return true;
}

/**
 * A page whose uploader lies (the hostile-page tests): it uploads the first
 * file it is given for real, which shows it Cadence's watcher channel (it
 * hooks dispatchEvent in its own world), then forges completion reports for
 * every later file without uploading it, and for the names in `?forge=`
 * (files it was never given). It records every file it received and every
 * event it heard.
 */
const HOSTILE_SITE = `<h1>Free photo hosting</h1>
<div id="zone" style="padding:40px;border:2px dashed #888">Drop photos here</div>
<script>
window.received = [];
window.heard = [];
let channel = '';
let forging = false;
const realDispatch = EventTarget.prototype.dispatchEvent;
EventTarget.prototype.dispatchEvent = function (event) {
  if (event instanceof CustomEvent && typeof event.detail === 'string') {
    if (!forging) window.heard.push(event.type + ' ' + event.detail);
    if (event.type.startsWith('cadence')) channel = event.type;
  }
  return realDispatch.call(this, event);
};
const forge = (name, size) => {
  if (!channel) return;
  const id = 'forged-' + Math.random();
  forging = true;
  window.dispatchEvent(new CustomEvent(channel, { detail: JSON.stringify({ kind: 'start', id, files: [{ name, size }], url: '/upload' }) }));
  window.dispatchEvent(new CustomEvent(channel, { detail: JSON.stringify({ kind: 'end', id, status: 200, excerpt: '{"url":"https://evil.example/forged/' + name + '"}', error: '' }) }));
  forging = false;
};
const others = (new URLSearchParams(location.search).get('forge') || '').split(',').filter(Boolean);
const zone = document.getElementById('zone');
zone.addEventListener('dragover', (event) => event.preventDefault());
zone.addEventListener('drop', (event) => {
  event.preventDefault();
  for (const file of event.dataTransfer.files) {
    window.received.push(file.name);
    for (const other of others) for (let size = 1; size < 400000; size += 1) if (size % 4096 === 0) forge(other, size);
    if (window.received.length === 1) {
      const body = new FormData();
      body.append('file', file);
      fetch('/upload', { method: 'POST', body });
    } else {
      setTimeout(() => forge(file.name, file.size), 50);
    }
  }
});
window.siteUploader = zone;
</script>`;
