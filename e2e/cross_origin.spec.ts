// A page on another origin imports wgflow.js from the site, as it would from a CDN: the page is cross-origin
// isolated (COEP require-corp), so the module must come with CORS headers; it runs eagerly and a graph on WebGPU.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';

/** The other site's page: imports the library by absolute URL and reports what it computed. */
function pageHtml(moduleUrl: string): string {
  return `<!doctype html>
<meta charset="utf-8" />
<title>another site</title>
<script type="module">
  import * as wg from '${moduleUrl}';
  async function run() {
    const out = { origin: location.origin, isolated: crossOriginIsolated, backend: wg.backendInfo().backend };
    out.eager = await wg.tensor([1, 2, 3]).mul(2).add(1).array();
    const g = new wg.Graph();
    g.build(() => ({ y: wg.relu(g.placeholder('float32', [null], 'x').sub(1)) }));
    const session = new wg.Session(wg.Graph.fromJSON(JSON.stringify(g.toJSON())));
    out.graph = await session.run('y', { x: [0, 1, 2, 3] });
    try {
      wg.add(wg.zeros([2]), wg.zeros([3])); // BAD-CALL
    } catch (e) {
      out.error = { name: e.name, location: e.location };
    }
    return out;
  }
  window.result = await run().catch((e) => ({ failed: String(e.stack ?? e) }));
</script>
`;
}

let server: Server;
let origin = '';
let html = '';

test.beforeAll(async ({ baseURL }) => {
  html = pageHtml(`${baseURL}/wgflow.js`);
  // The other origin: same host, another port. Cross-origin isolated like the site, so the import needs CORS.
  server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    if (req.url !== '/page.html') return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('the site serves wgflow.js to any origin, as a CDN does (CORS, CORP, JavaScript MIME type)', async ({ baseURL }) => {
  for (const file of ['wgflow.js', 'wgflow.js.map', 'wgflow.d.ts']) {
    const res = await fetch(`${baseURL}/${file}`, { headers: { Origin: 'https://elsewhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    if (file === 'wgflow.js') expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
  }
});

test('a cross-origin-isolated page on another origin imports wgflow.js and runs it on WebGPU', async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${origin}/page.html`);
  const result = await page.waitForFunction(() => (window as unknown as { result?: unknown }).result).then((h) => h.jsonValue());
  expect(errors).toEqual([]);
  expect(result).toMatchObject({ origin, isolated: true, backend: 'webgpu', eager: [3, 5, 7], graph: [0, 0, 1, 2] });
  expect(new URL(baseURL!).origin).not.toBe(origin);
  // Errors name the user's line in the page, not a line of the bundle.
  const line = html.split('\n').findIndex((l) => l.includes('BAD-CALL')) + 1;
  expect(result).toMatchObject({ error: { name: 'ShapeError', location: { file: 'page.html', line } } });
});
