// Static server for the preview: / → index.html, /assets → SLDS assets, the rest → the rollup output.
//   node scripts/lwc-preview/serve.mjs [--port N] [--dir test-results/lwc-preview/dist]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

function sldsAssetsDir() {
  return path.join(path.dirname(require.resolve('@salesforce-ux/design-system/package.json')), 'assets');
}

/** Starts the server on 127.0.0.1 (port 0 = any free port); resolves { url, close }. */
export function servePreview(distDir, port = 0) {
  const assets = sldsAssetsDir();
  const roots = [
    ['/assets/', assets],
    ['/', distDir],
  ];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file;
    if (url.pathname === '/' || url.pathname === '/index.html') {
      file = path.join(here, 'index.html');
    } else {
      const [prefix, root] = roots.find(([p]) => url.pathname.startsWith(p));
      const resolved = path.resolve(root, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (resolved.startsWith(root + path.sep)) file = resolved;
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const dist = path.resolve(arg('--dir', path.join(here, '../../test-results/lwc-preview/dist')));
  const { url } = await servePreview(dist, Number(arg('--port', '0')));
  process.stdout.write(`LWC preview on ${url} (states: ${url}?state=synced …); Ctrl-C to stop\n`);
}
