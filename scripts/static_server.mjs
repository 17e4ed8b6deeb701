// A plain static file server (no CORS, no COOP/COEP headers, like the simplest static host): e2e tests serve
// the built site with it, to prove the playground needs nothing from its host. Usage: node scripts/static_server.mjs <dir> <port>
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
const root = process.argv[2]; const port = Number(process.argv[3] ?? 4192);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.ts': 'text/plain', '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.map': 'application/json' };
http.createServer(async (q, r) => {
  const p = normalize(decodeURIComponent(new URL(q.url, 'http://x').pathname)).replace(/^\/+/, '');
  try { const b = await readFile(join(root, p || 'index.html')); r.setHeader('content-type', types[extname(p || 'index.html')] ?? 'application/octet-stream'); r.end(b); }
  catch { r.statusCode = 404; r.end('not found'); }
}).listen(port, '127.0.0.1');
