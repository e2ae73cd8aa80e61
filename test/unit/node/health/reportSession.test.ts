/**
 * The Dataset Report's host logic (ReportSession, no vscode) on split files and images the test
 * writes: statistics first, then health and duplicate groups; "keep one" removes the twin across
 * files and the report is made again from the edited files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { applyByteEdits } from '../../../../src/core/edits/applyByteEdits';
import { ReportSession } from '../../../../src/extension/health/reportSession';
import { checkDatasetHealth } from '../../../../src/node/health/datasetHealth';
import { loadCoco } from '../../../../src/node/loadCoco';
import type { ToStatsView } from '../../../../src/shared/statsProtocol';

describe('Dataset Report session', function () {
  this.timeout(60000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-report-'));
    const pic = (c: string) => sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="${c}"/><circle cx="30" cy="20" r="14" fill="#fff"/><rect x="5" y="30" width="50" height="10" fill="#000"/></svg>`)).png().toBuffer();
    const a = await pic('#c33');
    fs.writeFileSync(path.join(dir, 'a.png'), a);
    fs.writeFileSync(path.join(dir, 'b.png'), await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="#222"/><rect x="40" y="2" width="20" height="44" fill="#ee0"/><circle cx="12" cy="38" r="9" fill="#0af"/></svg>')).png().toBuffer());
    fs.writeFileSync(path.join(dir, 'a-again.png'), a); // same pixels, in val: leakage
    const coco = (files: string[]) => JSON.stringify({
      images: files.map((f, k) => ({ id: k + 1, file_name: f, width: 64, height: 48 })),
      annotations: files.map((_, k) => ({ id: k + 1, image_id: k + 1, category_id: 1, bbox: [1, 1, 10, 10], area: 100 })),
      categories: [{ id: 1, name: 'thing' }],
    }, null, 2);
    fs.writeFileSync(path.join(dir, 'instances_train.json'), coco(['a.png', 'b.png']));
    fs.writeFileSync(path.join(dir, 'instances_val.json'), coco(['a-again.png']));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('posts statistics, then health and duplicates; keep one removes the twin in the other file', async () => {
    const files = [path.join(dir, 'instances_train.json'), path.join(dir, 'instances_val.json')];
    const posted: ToStatsView[] = [];
    const session = new ReportSession({
      files,
      post: (m) => posted.push(m),
      load: (f) => loadCoco(f),
      health: (docs, signal) => checkDatasetHealth(docs, files, { signal, threads: 1 }),
      applyRemoval: async (changes) => {
        for (const c of changes) fs.writeFileSync(c.file, applyByteEdits(c.doc.bytes, c.edits));
        return undefined;
      },
    });
    await session.receive({ type: 'ready' });
    const reports = posted.filter((m): m is Extract<ToStatsView, { type: 'report' }> => m.type === 'report');
    assert.equal(reports.length, 2);
    assert.equal(reports[0].duplicates, undefined); // statistics first
    assert.deepEqual(reports[0].report.splits.map((s) => [s.name, s.images]), [['train', 2], ['val', 1]]);
    const groups = reports[1].duplicates!;
    assert.deepEqual(groups.map((g) => [g.kind, g.leakage, g.members.map((m) => `${m.split}/${m.fileName}`)]), [['exact', true, ['train/a.png', 'val/a-again.png']]]);
    assert.ok(reports[1].health!.some((r) => r.rule === 'coco/image-leakage' && r.count === 1 && r.split === 'val'));
    // Keep train's copy: val loses its image and annotation.
    posted.length = 0;
    await session.receive({ type: 'keepOne', group: groups[0].id, keep: groups[0].members[0].key });
    const val = JSON.parse(fs.readFileSync(files[1], 'utf8'));
    assert.deepEqual([val.images, val.annotations], [[], []]);
    assert.equal(JSON.parse(fs.readFileSync(files[0], 'utf8')).images.length, 2);
    const again = posted.filter((m): m is Extract<ToStatsView, { type: 'report' }> => m.type === 'report');
    assert.deepEqual(again[0].report.splits.map((s) => s.images), [2, 0]);
    assert.deepEqual(again.at(-1)?.duplicates ?? [], []);
    session.dispose();
  });
});
