/**
 * The viewer's Segment tool (webview-ui/src/segment/, DOM-free logic) wired to its host side
 * (src/extension/sam/viewerHandlers.ts) through an in-memory channel, with tiny SAM models from
 * the settings (vscode mock): a click gives a preview, a second click refines, Tab cycles the
 * candidates, Enter adds the annotation with pycocotools area/bbox; the preview decodes to the
 * overlay's pixels. (The Chromium test waits for the viewer hooks; see the issue-15 report.)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import * as mock from '../../../host/vscodeMock';
import type { CocoMaskFields } from '../../../../src/core/sam';
import { SamService } from '../../../../src/extension/sam/samService';
import { registerSamHandlers } from '../../../../src/extension/sam/viewerHandlers';
import type { SamHostMethods, SamPreview } from '../../../../src/shared/samProtocol';
import { maskRgba } from '../../../../webview-ui/src/segment/drawSegment';
import { SegmentTool } from '../../../../webview-ui/src/segment/segmentTool';
import { tinySam1Decoder, tinySam1Encoder } from './tinySamModels';

const { __mock } = mock;

describe('viewer Segment tool + host handlers (in-memory channel, tiny models)', function () {
  this.timeout(60000);
  let dir: string;
  let service: SamService;
  const handlers = new Map<string, (p: unknown) => unknown>();
  const channel = {
    handle: (m: string, fn: (p: never) => unknown) => { handlers.set(m, fn as (p: unknown) => unknown); },
    on: (m: string, fn: (p: never) => void) => { handlers.set(m, fn as (p: unknown) => unknown); return { dispose() {} }; },
  };
  const created: { imageIndex: number; categoryId: unknown; fields: CocoMaskFields }[] = [];
  const statuses: string[] = [];
  let tool: SegmentTool;
  let settle: () => Promise<void>;

  before(async () => {
    __mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-sam-tool-'));
    await sharp({ create: { width: 151, height: 97, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(path.join(dir, 'a.png'));
    fs.writeFileSync(path.join(dir, 'enc.onnx'), tinySam1Encoder());
    fs.writeFileSync(path.join(dir, 'dec.onnx'), tinySam1Decoder());
    __mock.setConfiguration('labelscope.sam.encoderPath', path.join(dir, 'enc.onnx'));
    __mock.setConfiguration('labelscope.sam.decoderPath', path.join(dir, 'dec.onnx'));
    service = new SamService(vscode.Uri.file(path.join(dir, 'storage')));
    registerSamHandlers(channel, service, {
      imagePath: (i) => (i === 0 ? path.join(dir, 'a.png') : undefined),
      createAnnotation: async (imageIndex, categoryId, fields) => { created.push({ imageIndex, categoryId, fields }); return { ok: true, annotationId: 99 }; },
    });
    // Every host request the tool has made and not yet seen answered: settled = none left.
    const outstanding = new Set<Promise<unknown>>();
    const track = <T>(p: Promise<T>): Promise<T> => { outstanding.add(p); void p.finally(() => outstanding.delete(p)); return p; };
    tool = new SegmentTool({
      segment: (p) => track(handlers.get('samSegment')!(p) as ReturnType<SamHostMethods['samSegment'] extends { result: infer R } ? () => Promise<R> : never>),
      accept: (i) => track(handlers.get('samAccept')!({ imageIndex: i, categoryId: 7, format: 'polygon' }) as Promise<{ ok: boolean }>),
      changed: () => undefined,
      status: (t) => statuses.push(t),
    }, 0);
    // A queued request is sent as the previous one's answer is handled: wait until none is left.
    settle = async () => { while (outstanding.size > 0) await Promise.allSettled([...outstanding]); };
  });
  after(() => { service.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('status: enabled, SAM (not the fallback)', async () => {
    const s = await handlers.get('samStatus')!({}) as { enabled: boolean; fallback: boolean; label: string };
    assert.deepEqual([s.enabled, s.fallback], [true, false]);
    assert.match(s.label, /enc\.onnx \(SAM 1, CPU\)/);
  });

  it('a click gives a preview (multimask best), a second click refines, Tab cycles, Enter adds the annotation', async () => {
    tool.pointerDown(40.5, 40);
    tool.pointerUp(40.5, 40, false, 3);
    await settle();
    const first = tool.preview as SamPreview;
    assert.ok(first, 'a preview after one click');
    assert.equal(first.candidate, 2);
    assert.ok(first.area > 100);
    const overlay = maskRgba(first, [1, 2, 3]);
    let painted = 0;
    for (let i = 3; i < overlay.length; i += 4) if (overlay[i]) painted++;
    assert.equal(painted, first.area, 'the overlay paints exactly the mask');
    assert.match(statuses.at(-1)!, /SAM: candidate 1 of 4, predicted IoU 0\.95/);

    tool.pointerDown(110.5, 60);
    tool.pointerUp(110.5, 60, false, 3);
    await settle();
    const second = tool.preview as SamPreview;
    assert.equal(second.candidate, 0, 'two points: the single-mask output');
    assert.ok(second.area > first.area * 1.5, 'the refined mask covers both clicks');

    assert.equal(tool.key('Tab'), true);
    await settle();
    assert.equal(tool.preview!.candidate, second.ranking[1]);

    assert.equal(tool.key('Enter'), true);
    await settle();
    assert.equal(created.length, 1);
    assert.equal(created[0].categoryId, 7);
    assert.ok(Array.isArray(created[0].fields.segmentation));
    assert.equal(tool.preview, undefined, 'accepting clears the tool');
  });

  it('a drag is a box prompt; Escape clears; Backspace removes the last point', async () => {
    tool.pointerDown(20, 10);
    tool.pointerMove(60, 50);
    tool.pointerUp(60, 50, false, 1);
    await settle();
    assert.deepEqual(tool.box, [20, 10, 40, 40]);
    assert.equal(tool.preview!.area, 1600);
    assert.deepEqual(tool.preview!.bbox, [20, 10, 40, 40]);
    tool.pointerDown(30, 30);
    tool.pointerUp(30, 30, true, 1);
    assert.equal(tool.points.length, 1);
    assert.equal(tool.points[0].positive, false);
    assert.equal(tool.key('Backspace'), true);
    assert.equal(tool.points.length, 0);
    await settle();
    assert.equal(tool.key('Escape'), true);
    assert.equal(tool.box, undefined);
    assert.equal(tool.key('Escape'), false, 'nothing left: Escape is the viewer\'s again');
  });
});
