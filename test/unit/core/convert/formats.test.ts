import { strict as assert } from 'node:assert';
import { encodeBinary } from '@thi.ng/rle-pack/binary';
import { detectFormat } from '../../../../src/core/convert/formats';
import { readCvat, rleToCvatMask } from '../../../../src/core/convert/cvat';
import { brushToRle, readLabelStudio } from '../../../../src/core/convert/labelStudio';
import { ConvertLog, memoryTree } from '../../../../src/core/convert/model';
import { readVoc } from '../../../../src/core/convert/voc';
import { rleDecode, rleEncode } from '../../../../src/core/geometry';

const CVAT = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels>
    <label><name>car</name><attributes><attribute><name>color</name><input_type>select</input_type></attribute></attributes></label>
    <label><name>lane</name></label>
  </labels></task></meta>
  <image id="0" name="f/0001.jpg" width="8" height="6">
    <box label="car" occluded="1" source="manual" xtl="1.5" ytl="2" xbr="4.5" ybr="5" z_order="2">
      <attribute name="color">red</attribute>
    </box>
    <polygon label="car" occluded="0" points="0,0;4,0;4,3" z_order="0" group_id="7"/>
    <polygon label="car" occluded="0" points="5,3;8,3;8,6" z_order="0" group_id="7"/>
    <mask label="car" occluded="0" rle="1, 2, 1, 2" left="2" top="1" width="3" height="2" z_order="0"/>
    <polyline label="lane" occluded="0" points="0,5;7,5" z_order="0"/>
  </image>
</annotations>`;

describe('convert: format details', () => {
  it('CVAT 1.1: labels, attributes, occluded/z_order, groups, mask rle (background first, row-major in its box)', () => {
    const log = new ConvertLog();
    const ds = readCvat(memoryTree([{ path: 'annotations.xml', data: CVAT }]), log);
    assert.deepEqual(ds.categories.map((c) => c.name), ['car', 'lane']);
    assert.equal(ds.images[0].file_name, 'f/0001.jpg');
    const [box, group, line, mask] = ds.annotations; // read by shape type: box, polygon, polyline, points, mask
    assert.deepEqual(box.bbox, [1.5, 2, 3, 3]);
    assert.deepEqual(box.attributes, { occluded: true, z_order: 2, color: 'red' });
    assert.equal((group.segmentation as number[][]).length, 2, 'same label + group_id = one instance');
    // rle "1, 2, 1, 2" in a 3×2 box at (2,1): rows [0 1 1] [0 1 1]
    const m = rleDecode(mask.segmentation as never);
    const on: string[] = [];
    for (let i = 0; i < m.length; i++) if (m[i]) on.push(`${i % 8},${Math.floor(i / 8)}`);
    assert.deepEqual(on.sort(), ['3,1', '3,2', '4,1', '4,2']);
    assert.deepEqual(mask.bbox, [3, 1, 2, 2]);
    assert.equal(line.attributes!.cvat_shape, 'polyline');
    assert.equal(log.count('changed', 'no-area-shape'), 1);
    // and back: the crop is tight, the runs start with background
    const back = rleToCvatMask(mask.segmentation as never)!;
    assert.deepEqual([back.left, back.top, back.width, back.height, back.runs], [3, 1, 2, 2, [0, 4]]);
  });

  it('Label Studio: percent coordinates, rotation, brush RLE (rle-pack of RGBA, alpha = mask)', () => {
    const W = 10, H = 5;
    const rgba = new Uint8Array(W * H * 4);
    for (const [x, y] of [[2, 1], [3, 1], [2, 2]]) rgba.fill(255, (y * W + x) * 4, (y * W + x) * 4 + 4);
    const rle = Array.from(encodeBinary(rgba, rgba.length, 8));
    const tasks = [{ id: 1, data: { image: '/data/local-files/?d=imgs%2Fa.jpg' }, annotations: [{ result: [
      { type: 'rectanglelabels', original_width: W, original_height: H, value: { x: 10, y: 20, width: 50, height: 40, rotation: 0, rectanglelabels: ['car'] } },
      { type: 'rectanglelabels', original_width: W, original_height: H, value: { x: 10, y: 20, width: 50, height: 40, rotation: 90, rectanglelabels: ['car'] } },
      { type: 'polygonlabels', original_width: W, original_height: H, value: { points: [[0, 0], [50, 0], [50, 100]], polygonlabels: ['road'] } },
      { type: 'brushlabels', original_width: W, original_height: H, value: { format: 'rle', rle, brushlabels: ['car'] } },
    ] }] }];
    const log = new ConvertLog();
    const ds = readLabelStudio(memoryTree([{ path: 'export.json', data: JSON.stringify(tasks) }]), log);
    assert.equal(ds.images[0].file_name, 'imgs/a.jpg');
    const [rect, rot, poly, brush] = ds.annotations;
    assert.deepEqual(rect.bbox, [1, 1, 5, 2]);
    assert.deepEqual(rot.bbox, [-1, 1, 2, 5], 'rotated 90° clockwise about the top-left corner');
    assert.equal(log.count('changed', 'rotated-box-as-polygon'), 1);
    assert.deepEqual(poly.segmentation, [[0, 0, 5, 0, 5, 5]]);
    assert.equal(brush.area, 3);
    assert.deepEqual(brush.bbox, [2, 1, 2, 2]);
    const direct = brushToRle(rle, H, W);
    assert.deepEqual(direct.counts, rleEncode(rleDecode(direct), H, W).counts);
  });

  it('VOC: float coordinates and empty tags tolerated, 1-based pixels, difficult/truncated kept', () => {
    const xml = `<annotation><filename>x.jpg</filename><size><width>100</width><height>50</height><depth>3</depth></size>
      <object><name>dog</name><pose/><truncated/><difficult>1</difficult><bndbox><xmin>10.5</xmin><ymin>1</ymin><xmax>20</xmax><ymax>50</ymax></bndbox></object>
      <object><name>cat</name><truncated>0</truncated><bndbox><xmin></xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object></annotation>`;
    const log = new ConvertLog();
    const ds = readVoc(memoryTree([{ path: 'Annotations/x.xml', data: xml }, { path: 'ImageSets/Main/val.txt', data: 'x\n' }]), log);
    assert.equal(ds.annotations.length, 1);
    assert.deepEqual(ds.annotations[0].bbox, [9.5, 0, 10.5, 50]);
    assert.deepEqual(ds.annotations[0].attributes, { difficult: true });
    assert.equal(log.count('dropped', 'object-invalid'), 1);
    assert.equal(ds.splits?.get(1), 'val', 'split from ImageSets/Main');
  });

  it('detects each format from paths and contents; none → undefined', () => {
    const peek = (m: Record<string, string>) => (p: string) => m[p] ?? '';
    assert.equal(detectFormat(['data.yaml', 'images/train/a.jpg'], peek({})), 'yolo');
    assert.equal(detectFormat(['annotations.xml'], peek({ 'annotations.xml': CVAT })), 'cvat');
    assert.equal(detectFormat(['Annotations/a.xml'], peek({ 'Annotations/a.xml': '<annotation><size>' })), 'voc');
    assert.equal(detectFormat(['a.json'], peek({ 'a.json': '{"version": "5.0.1", "flags": {}, "shapes": [], "imagePath": "a.jpg"}' })), 'labelme');
    assert.equal(detectFormat(['e.json'], peek({ 'e.json': '[{"id": 1, "annotations": []}]' })), 'labelstudio');
    assert.equal(detectFormat(['c.json'], peek({ 'c.json': '{"images": []}' })), 'coco');
    assert.equal(detectFormat(['instances/a.png', 'classes.json'], peek({ 'classes.json': '["_background_"]' })), 'masks');
    assert.equal(detectFormat(['notes.txt'], peek({})), undefined);
  });
});
