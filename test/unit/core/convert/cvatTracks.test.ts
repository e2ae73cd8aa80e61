/**
 * CVAT 1.1 beyond still-image shapes, as CVAT's exporter writes them (cvat/apps/dataset_manager/
 * formats/cvat.py): video tracks (one shape per frame, keyframe / outside), ellipses, skeletons
 * with their meta sub-labels and SVG edges, and shapes COCO can't hold (cuboid, tag) counted.
 */
import { strict as assert } from 'node:assert';
import { ellipsePolygon, readCvat } from '../../../../src/core/convert/cvat';
import { ConvertLog, memoryTree } from '../../../../src/core/convert/model';
import { polygonsMaskArea } from '../../../../src/core/geometry/polygon';

const VIDEO = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <id>7</id><name>street</name><size>4</size><mode>interpolation</mode>
      <original_size><width>640</width><height>480</height></original_size>
      <labels>
        <label><name>car</name><type>rectangle</type><attributes></attributes></label>
      </labels>
    </task>
  </meta>
  <track id="0" label="car" source="manual">
    <box frame="0" keyframe="1" outside="0" occluded="0" xtl="10.00" ytl="20.00" xbr="110.00" ybr="70.00" z_order="0"></box>
    <box frame="1" keyframe="0" outside="0" occluded="1" xtl="20.00" ytl="20.00" xbr="120.00" ybr="70.00" z_order="0"></box>
    <box frame="2" keyframe="1" outside="1" occluded="0" xtl="30.00" ytl="20.00" xbr="130.00" ybr="70.00" z_order="0"></box>
  </track>
  <track id="1" label="car" source="manual">
    <polygon frame="1" keyframe="1" outside="0" occluded="0" points="300.00,300.00;400.00,300.00;400.00,400.00" z_order="0"></polygon>
    <polygon frame="3" keyframe="1" outside="0" occluded="0" points="310.00,300.00;410.00,300.00;410.00,400.00" z_order="0"></polygon>
  </track>
</annotations>`;

const SVG = '&lt;line x1=&quot;1&quot; data-type=&quot;edge&quot; data-node-from=&quot;1&quot; data-node-to=&quot;2&quot;&gt;&lt;/line&gt;'
  + '&lt;line data-type=&quot;edge&quot; data-node-from=&quot;1&quot; data-node-to=&quot;3&quot;&gt;&lt;/line&gt;'
  + '&lt;circle r=&quot;1.5&quot; data-type=&quot;element node&quot; data-element-id=&quot;1&quot; data-node-id=&quot;1&quot; data-label-name=&quot;nose&quot;&gt;&lt;/circle&gt;'
  + '&lt;circle data-node-id=&quot;2&quot; data-label-name=&quot;left_eye&quot;&gt;&lt;/circle&gt;'
  + '&lt;circle data-node-id=&quot;3&quot; data-label-name=&quot;right_eye&quot;&gt;&lt;/circle&gt;';

const IMAGES = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><mode>annotation</mode><labels>
    <label><name>person</name><type>skeleton</type><attributes></attributes><svg>${SVG}</svg></label>
    <label><name>nose</name><type>points</type><attributes></attributes><parent>person</parent></label>
    <label><name>left_eye</name><type>points</type><attributes></attributes><parent>person</parent></label>
    <label><name>right_eye</name><type>points</type><attributes></attributes><parent>person</parent></label>
    <label><name>ball</name><type>ellipse</type><attributes></attributes></label>
    <label><name>box3d</name><type>cuboid</type><attributes></attributes></label>
  </labels></task></meta>
  <image id="0" name="a.jpg" width="200" height="100">
    <ellipse label="ball" source="manual" occluded="0" cx="50.00" cy="40.00" rx="30.00" ry="20.00" rotation="30.0" z_order="0"></ellipse>
    <skeleton label="person" source="manual" z_order="0">
      <points label="nose" source="manual" outside="0" occluded="0" points="100.00,50.00"></points>
      <points label="left_eye" source="manual" outside="0" occluded="1" points="95.00,45.00"></points>
      <points label="right_eye" source="manual" outside="1" occluded="0" points="105.00,45.00"></points>
    </skeleton>
    <cuboid label="box3d" source="manual" occluded="0" xtl1="1" ytl1="1" xbl1="1" ybl1="9" xtr1="9" ytr1="1" xbr1="9" ybr1="9" xtl2="3" ytl2="3" xbl2="3" ybl2="11" xtr2="11" ytr2="3" xbr2="11" ybr2="11" z_order="0"></cuboid>
    <tag label="ball" source="manual"></tag>
  </image>
</annotations>`;

describe('CVAT 1.1: tracks, ellipses, skeletons', () => {
  it('a video track gives one object per frame in view; outside frames give none; frames become frame_NNNNNN.PNG at the task size', () => {
    const log = new ConvertLog();
    const ds = readCvat(memoryTree([{ path: 'annotations.xml', data: VIDEO }]), log);
    assert.deepEqual(ds.images.map((i) => [i.file_name, i.width, i.height]), [['frame_000000.PNG', 640, 480], ['frame_000001.PNG', 640, 480], ['frame_000003.PNG', 640, 480]]);
    const byFrame = (n: string) => ds.annotations.filter((a) => a.image_id === ds.images.find((i) => i.file_name === n)!.id);
    assert.deepEqual(byFrame('frame_000000.PNG').map((a) => a.bbox), [[10, 20, 100, 50]]);
    const f1 = byFrame('frame_000001.PNG');
    assert.equal(f1.length, 2);
    assert.deepEqual(f1[0].attributes, { track_id: 0, keyframe: false, occluded: true });
    assert.deepEqual(f1[1].attributes, { track_id: 1, keyframe: true, occluded: false });
    assert.equal(byFrame('frame_000003.PNG').length, 1);
    assert.equal(ds.annotations.length, 4, 'the outside shape on frame 2 is not an object');
    assert.equal(log.count('note', 'cvat-track'), 4);
    assert.equal(log.count('note', 'cvat-track-outside'), 1);
    assert.equal(log.count('dropped'), 0);
  });

  it('an ellipse becomes a polygon with the ellipse\'s area; a skeleton becomes keypoints in the meta order with its edges', () => {
    const log = new ConvertLog();
    const ds = readCvat(memoryTree([{ path: 'annotations.xml', data: IMAGES }]), log);
    assert.deepEqual(ds.categories.map((c) => c.name), ['person', 'ball', 'box3d'], 'sub-labels are keypoints, not classes');
    const person = ds.categories[0];
    assert.deepEqual(person.keypoints, ['nose', 'left_eye', 'right_eye']);
    assert.deepEqual(person.skeleton, [[1, 2], [1, 3]]);
    const ball = ds.annotations.find((a) => a.category_id === ds.categories[1].id)!;
    const area = polygonsMaskArea(ball.segmentation as number[][], 100, 200);
    assert.ok(Math.abs(area - Math.PI * 30 * 20) / (Math.PI * 30 * 20) < 0.01, `ellipse area ${area}`);
    assert.equal(log.count('changed', 'ellipse-as-polygon'), 1);
    const sk = ds.annotations.find((a) => a.category_id === person.id)!;
    assert.deepEqual(sk.keypoints, [100, 50, 2, 95, 45, 1, 0, 0, 0]);
    assert.equal(sk.num_keypoints, 2);
    assert.deepEqual(sk.bbox, [95, 45, 5, 5]);
    assert.equal(log.count('dropped', 'cvat-cuboid'), 1);
    assert.equal(log.count('dropped', 'cvat-tag'), 1);
    assert.equal(ds.annotations.length, 2);
  });

  it('ellipsePolygon rotates about the centre', () => {
    const p = ellipsePolygon(0, 0, 10, 5, 90, 4);
    assert.deepEqual(p.map((v) => Math.round(v)), [0, 10, -5, 0, 0, -10, 5, 0]);
  });
});
