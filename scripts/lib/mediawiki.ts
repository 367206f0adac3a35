import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A real MediaWiki on loopback for the MediaWiki host preset's test: Debian's
 * `mediawiki` package (its files, unpacked by .ci/run with `dpkg -x` into
 * /opt/mediawiki, or an installed /usr/share/mediawiki), installed afresh
 * into a scratch folder with SQLite (a couple of seconds, no database
 * server), served by PHP's built-in server, uploads enabled.
 */

const SOURCES = [process.env.MEDIAWIKI_DIR, '/opt/mediawiki/usr/share/mediawiki', '/usr/share/mediawiki'].filter(
  (dir): dir is string => Boolean(dir),
);

/** Debian links these into /var/lib/mediawiki; a scratch wiki has its own. */
const PER_WIKI = new Set(['LocalSettings.php', 'config', 'extensions', 'images']);

export interface MediaWiki {
  origin: string;
  apiUrl: string;
  user: string;
  password: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startMediaWiki(scratch: string): Promise<MediaWiki> {
  const source = SOURCES.find((dir) => existsSync(path.join(dir, 'maintenance/install.php')));
  if (!source) {
    throw new Error(`MediaWiki not found in ${SOURCES.join(', ')}: .ci/run unpacks Debian's mediawiki package`);
  }
  const root = path.join(scratch, 'mediawiki');
  await mkdir(root, { recursive: true });
  // Links to the read-only code, real folders for what a wiki writes.
  for (const name of await readdir(source)) {
    if (!PER_WIKI.has(name)) await symlink(path.join(source, name), path.join(root, name));
  }
  for (const name of ['images', 'extensions', 'data']) await mkdir(path.join(root, name));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const user = 'Admin';
  const password = 'Cadence-test-pass-1';
  await promisify(execFile)('php', [
    path.join(root, 'maintenance/install.php'),
    '--dbtype=sqlite',
    `--dbpath=${path.join(root, 'data')}`,
    '--dbname=wiki',
    `--server=${origin}`,
    '--scriptpath=',
    '--lang=en',
    `--pass=${password}`,
    `--confpath=${root}`,
    'Cadence Test Wiki',
    user,
  ]);
  await appendFile(
    path.join(root, 'LocalSettings.php'),
    ['$wgEnableUploads = true;', "$wgFileExtensions = array_merge( $wgFileExtensions, [ 'webp', 'avif' ] );", ''].join(
      '\n',
    ),
  );
  const server: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root], {
    cwd: root,
    stdio: 'ignore',
    // The browser's page and the extension's requests arrive together.
    // MW_INSTALL_PATH: the code is linked in, and PHP resolves links, so the wiki's own folder is named.
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4', MW_INSTALL_PATH: root },
  });
  const apiUrl = `${origin}/api.php`;
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = await fetch(`${apiUrl}?action=query&meta=siteinfo&format=json`);
      if (reply.ok && /json/.test(reply.headers.get('content-type') ?? '')) break;
    } catch {
      // Not listening yet.
    }
    if (attempt > 100) throw new Error('MediaWiki did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin,
    apiUrl,
    user,
    password,
    async close() {
      if (server.exitCode !== null) return;
      await new Promise((resolve) => {
        server.once('exit', resolve);
        server.kill();
      });
    },
  };
}
