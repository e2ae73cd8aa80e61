/** Model downloads against a local HTTP server on 127.0.0.1: resume, checksum, 404, redirects. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DownloadError, downloadFile } from '../../../../src/node/sam';

const BODY = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
const SHA = createHash('sha256').update(BODY).digest('hex');

describe('node/sam: model download', function () {
  this.timeout(20000);
  let server: http.Server;
  let base: string;
  let dir: string;
  const ranges: (string | undefined)[] = [];
  let cutNext = false;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-dl-'));
    server = http.createServer((req, res) => {
      if (req.url === '/model.onnx') {
        ranges.push(req.headers.range);
        const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
        const from = m ? Number(m[1]) : 0;
        const body = BODY.subarray(from);
        res.writeHead(m ? 206 : 200, { 'content-length': body.length, ...(m ? { 'content-range': `bytes ${from}-${BODY.length - 1}/${BODY.length}` } : {}) });
        if (cutNext) {
          cutNext = false;
          res.write(body.subarray(0, 100_000), () => setTimeout(() => res.destroy(), 20));
          return;
        }
        res.end(body);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/model.onnx' });
        res.end();
      } else if (req.url === '/loop') {
        res.writeHead(301, { location: '/loop' });
        res.end();
      } else {
        res.writeHead(404);
        res.end('not here');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => { ranges.length = 0; });

  it('downloads, checks the SHA-256 and renames into place, reporting progress', async () => {
    const dest = path.join(dir, 'a', 'encoder.onnx');
    const seen: number[] = [];
    const digest = await downloadFile(`${base}/model.onnx`, dest, { sha256: SHA, onProgress: (n, total) => { seen.push(n); assert.equal(total, BODY.length); } });
    assert.equal(digest, SHA);
    assert.ok(fs.readFileSync(dest).equals(BODY));
    assert.equal(fs.existsSync(`${dest}.part`), false);
    assert.equal(seen[seen.length - 1], BODY.length);
  });

  it('a cut connection keeps the part; the next run resumes with a Range request', async () => {
    const dest = path.join(dir, 'b', 'encoder.onnx');
    cutNext = true;
    await assert.rejects(downloadFile(`${base}/model.onnx`, dest, { sha256: SHA }), (e: Error) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.kind, 'network');
      assert.match(e.message, /cut at .*resume/);
      return true;
    });
    const partial = fs.statSync(`${dest}.part`).size;
    assert.ok(partial > 0 && partial < BODY.length, `part has ${partial} bytes`);
    await downloadFile(`${base}/model.onnx`, dest, { sha256: SHA });
    assert.deepEqual(ranges, [undefined, `bytes=${partial}-`]);
    assert.ok(fs.readFileSync(dest).equals(BODY));
  });

  it('a wrong checksum is refused and nothing is left behind', async () => {
    const dest = path.join(dir, 'c', 'encoder.onnx');
    await assert.rejects(downloadFile(`${base}/model.onnx`, dest, { sha256: '0'.repeat(64) }), (e: Error) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.kind, 'checksum');
      assert.match(e.message, new RegExp(`has SHA-256 ${SHA}, expected 0{64}`));
      return true;
    });
    assert.equal(fs.existsSync(dest), false);
    assert.equal(fs.existsSync(`${dest}.part`), false);
  });

  it('404 is an error naming the status and URL; redirects are followed, loops are not', async () => {
    await assert.rejects(downloadFile(`${base}/nope.onnx`, path.join(dir, 'd', 'x.onnx')), /HTTP 404 .*\/nope\.onnx/);
    const dest = path.join(dir, 'e', 'encoder.onnx');
    await downloadFile(`${base}/moved`, dest, { sha256: SHA });
    assert.ok(fs.readFileSync(dest).equals(BODY));
    await assert.rejects(downloadFile(`${base}/loop`, path.join(dir, 'f', 'x.onnx')), /too many redirects/);
  });
});
