/**
 * The big file's first look (src/editor/preview.ts): the first image with all its annotations,
 * found by one byte search, whatever the spelling of `"image_id":` the file's writer uses; the
 * session sends it as soon as it is found, not only once the webview says ready.
 */
import * as assert from 'node:assert/strict';
import { previewCoco } from '../../../src/editor/preview';
import { EditorSession } from '../../../src/editor/session';
import type { CocoEditorModel } from '../../../src/editor/editorModel';
import { webviewChannel, type Envelope } from '../../../src/shared/protocol';

const enc = new TextEncoder();

/** A COCO file's text with `"image_id"` and its colon spelled as `sep` (e.g. '": "', '":"', '" : "'). */
function coco(sep: string, opts: { annotationsFirst?: boolean; noAnnotations?: boolean } = {}): string {
  const ann = (id: number, imageId: number) => `{"id": ${id}, "image${sep}${imageId}, "category_id": 1, "bbox": [1.0, 2.0, 3.0, 4.0], "area": 12.0, "iscrowd": 0, "segmentation": [[1, 2, 4, 2, 4, 6]]}`;
  const images = '"images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}, {"id": 12, "file_name": "b.jpg", "width": 64, "height": 48}]';
  // Image 1's annotations among image 12's (a search for 1 must not take 12's).
  const annotations = `"annotations": [${opts.noAnnotations ? '' : [ann(1, 12), ann(2, 1), ann(3, 12), ann(4, 1), ann(5, 1)].join(', ')}]`;
  const categories = '"categories": [{"id": 1, "name": "cat"}]';
  return `{${opts.annotationsFirst ? [annotations, images] : [images, annotations]}, ${categories}}`.replace(/"image": /g, '"image');
}

const preview = (text: string) => previewCoco(enc.encode(text), '/data/instances.json');

describe('previewCoco: the first image of a big file by byte search', () => {
  for (const [name, sep] of [['": " (json.dump)', '_id": '], ['":" (compact)', '_id":'], ['" : " (spaced)', '_id" : ']] as const) {
    it(`finds every annotation of the first image, "image_id" written as ${name}`, () => {
      const text = coco(sep);
      assert.ok(text.includes(`"image${sep}1,`), text);
      const p = preview(text);
      assert.ok(p, 'a preview');
      assert.equal(p.first.image.fileName, 'a.jpg');
      assert.deepEqual(p.first.annotations.map((a) => a.id).sort(), [2, 4, 5]);
    });
  }

  it('finds them when the annotations come before the images', () => {
    const p = preview(coco('_id": ', { annotationsFirst: true }));
    assert.deepEqual(p?.first.annotations.map((a) => a.id).sort(), [2, 4, 5]);
  });

  it('shows the first image without overlays when the file has no annotations', () => {
    const p = preview(coco('_id": ', { noAnnotations: true }));
    assert.ok(p, 'a preview');
    assert.equal(p.first.image.fileName, 'a.jpg');
    assert.equal(p.first.annotations.length, 0);
  });

  it('gives no preview where the bytes look unusual (no categories)', () => {
    assert.equal(preview('{"images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 4}], "annotations": []}'), undefined);
  });
});

describe('the session sends the preview as soon as it is found', () => {
  const source = { find: () => ({ tried: [] }), toSrc: (p: string) => p };

  it('before the webview says ready (VS Code holds it for the page), and again on ready while the model loads', async () => {
    const p = preview(coco('_id": '))!;
    const notes: string[] = [];
    const session = new EditorSession({
      post: (m: Envelope) => { if (m.t === 'note') notes.push(m.method); },
      source, onEdit: () => undefined,
      // The full parse still running: only the preview can be shown.
      model: new Promise<CocoEditorModel>(() => undefined),
      preview: Promise.resolve(p),
    });
    await Promise.resolve(); await Promise.resolve();
    assert.deepEqual(notes, ['preview'], 'sent without ready');
    const web = webviewChannel((m: Envelope) => session.receive(structuredClone(m)));
    web.notify('ready', {});
    await Promise.resolve(); await Promise.resolve();
    assert.deepEqual(notes, ['preview', 'preview'], 'again for a page that was not there yet');
    session.dispose();
  });

  it('not when there is no preview (a small file)', async () => {
    const notes: string[] = [];
    const session = new EditorSession({
      post: (m: Envelope) => { if (m.t === 'note') notes.push(m.method); },
      source, onEdit: () => undefined,
      model: new Promise<CocoEditorModel>(() => undefined),
      preview: Promise.resolve(undefined),
    });
    await Promise.resolve(); await Promise.resolve();
    assert.deepEqual(notes, []);
    session.dispose();
  });
});
