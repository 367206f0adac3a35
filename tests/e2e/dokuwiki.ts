import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** Debian's DokuWiki (`apt-get install dokuwiki php-cli`; .ci/run installs them). */
const DEBIAN_DOKUWIKI = '/usr/share/dokuwiki';
const DEBIAN_CONF = '/etc/dokuwiki';
const DEBIAN_DATA = '/var/lib/dokuwiki/data';

/** A real CMS nobody here wrote, served by PHP's built-in server on loopback. */
export interface DokuWiki {
  origin: string;
  /** The media manager's upload tab: the wiki's own uploader (drag and drop, XHR) and its plain form. */
  uploadPage: string;
  /** Names of the files the wiki keeps in its media folder (DokuWiki lowercases them). */
  media(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * A private copy of Debian's DokuWiki under `dir` (its code, config and empty
 * data, so the system install is never written to), with access control off
 * so a visitor may upload, served by `php -S`. Throws with the install
 * command when the packages are missing.
 */
export async function startDokuWiki(dir: string): Promise<DokuWiki> {
  if (!existsSync(path.join(DEBIAN_DOKUWIKI, 'doku.php'))) {
    throw new Error('Debian DokuWiki is not installed: apt-get install --no-install-recommends dokuwiki php-cli');
  }
  const code = path.join(dir, 'wiki');
  const conf = path.join(dir, 'conf');
  const data = path.join(dir, 'data');
  await mkdir(dir, { recursive: true });
  // Debian links the code to /etc and /var/lib: copy the files the links point to.
  await cp(DEBIAN_DOKUWIKI, code, { recursive: true, dereference: true });
  await cp(DEBIAN_CONF, conf, { recursive: true, dereference: true });
  await cp(DEBIAN_DATA, data, { recursive: true, dereference: true });
  // The Debian .htaccess means nothing to PHP's server; its preload points at /etc: point it at the copy.
  await rm(path.join(code, '.htaccess'), { force: true });
  await writeFile(path.join(code, 'inc/preload.php'), `<?php\ndefine('DOKU_CONF', ${JSON.stringify(`${conf}/`)});\n`);
  await writeFile(
    path.join(conf, 'local.php'),
    `<?php\n$conf['title'] = 'Shop wiki';\n$conf['savedir'] = ${JSON.stringify(data)};\n$conf['useacl'] = 0;\n`,
  );
  const port = await freePort();
  const server: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', code], {
    cwd: dir,
    stdio: 'ignore',
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${origin}/doku.php`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      server.kill();
      throw new Error('DokuWiki did not answer within 15 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin,
    uploadPage: `${origin}/doku.php?id=start&do=media&tab_files=upload`,
    async media() {
      return (await readdir(path.join(data, 'media'))).filter((name) => !name.startsWith('.')).sort();
    },
    async close() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill();
        await exited;
      }
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
