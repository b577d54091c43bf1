// The demo origin: serves ./site on 127.0.0.1 with the cache headers a real site would send
// (pages short-lived, assets for a year). `/x` serves site/x.html, site/x/index.html or site/x.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), 'site');
const port = Number(process.argv[2] || 7070);
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.js': 'text/javascript' };

async function find(path) {
  const clean = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
  for (const candidate of [clean, `${clean}.html`, join(clean, 'index.html')]) {
    try {
      return { file: candidate, body: await readFile(join(root, candidate)) };
    } catch { /* try the next candidate */ }
  }
  return null;
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://origin');
  let found = null;
  try { found = await find(url.pathname); } catch { /* malformed path: 404 */ }
  if (!found) {
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return res.end('<!doctype html><title>Not found</title><h1>Not found</h1>\n');
  }
  const type = types[extname(found.file)] || 'application/octet-stream';
  const cache = type.startsWith('text/html') ? 'public, max-age=60' : 'public, max-age=31536000, immutable';
  res.writeHead(200, { 'content-type': type, 'cache-control': cache });
  res.end(req.method === 'HEAD' ? undefined : found.body);
}).listen(port, '127.0.0.1', () => console.log(`demo origin on http://127.0.0.1:${port}/`));
