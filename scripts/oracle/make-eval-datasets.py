#!/usr/bin/env python3
"""Generates the ground-truth / detection pairs under test/fixtures/eval-oracle/inputs/.

Deterministic (random.Random with fixed seeds, no numpy randomness) and dependency-free apart
from pycocotools' mask.encode for compressed RLE strings (run it with the same interpreter as
make-eval-oracle.py; see the README beside the fixtures). Every pair packs in the cases where
COCOeval is easy to get wrong:

  crowd GT (box and RLE), GT carrying `ignore: 1` (COCOeval overwrites it with iscrowd), a GT with
  id 0 (cocoapi#664), stored areas exactly 32**2 and 96**2 (inclusive range bounds), detections
  whose bbox area lands exactly on the bounds, score ties inside and across images, one image
  with more than 100 detections, a category with no GT (AP -1), images without detections,
  polygon + uncompressed RLE + compressed RLE masks, results whose bbox disagrees with their
  mask, loadRes-derived areas (bbox branch vs segmentation branch), keypoints with the COCO
  person sigmas and a custom category with its own sigmas.
"""
import json
import math
import os
import random
import sys

from pycocotools import mask as mask_utils  # noqa: E402  (only for compressed RLE strings)
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'eval-oracle', 'inputs')


def r6(x):
    return round(x, 2)


def rect_mask(h, w, x, y, bw, bh):
    m = np.zeros((h, w), dtype=np.uint8)
    m[max(0, int(y)):min(h, int(y + bh)), max(0, int(x)):min(w, int(x + bw))] = 1
    return m


def ellipse_mask(h, w, cx, cy, rx, ry):
    yy, xx = np.mgrid[0:h, 0:w]
    return (((xx + 0.5 - cx) / max(rx, 0.5)) ** 2 + ((yy + 0.5 - cy) / max(ry, 0.5)) ** 2 <= 1).astype(np.uint8)


def uncompressed_rle(m):
    """Column-major counts starting with a run of zeros, like COCO's uncompressed RLE."""
    flat = np.asfortranarray(m).reshape(-1, order='F')
    counts, cur, run = [], 0, 0
    for v in flat.tolist():
        if v == cur:
            run += 1
        else:
            counts.append(run)
            cur, run = v, 1
    counts.append(run)
    return {'size': [int(m.shape[0]), int(m.shape[1])], 'counts': counts}


def compressed_rle(m):
    r = mask_utils.encode(np.asfortranarray(m))
    return {'size': [int(r['size'][0]), int(r['size'][1])], 'counts': r['counts'].decode('ascii')}


def ellipse_polygon(cx, cy, rx, ry, n):
    pts = []
    for i in range(n):
        a = 2 * math.pi * i / n
        pts += [r6(cx + rx * math.cos(a)), r6(cy + ry * math.sin(a))]
    return pts


def categories(n):
    return [{'id': i + 1, 'name': f'class{i + 1}', 'supercategory': 'thing'} for i in range(n)]


def jitter_box(rng, b, s):
    x, y, w, h = b
    return [r6(x + rng.uniform(-s, s) * w), r6(y + rng.uniform(-s, s) * h), r6(max(1, w * (1 + rng.uniform(-s, s)))), r6(max(1, h * (1 + rng.uniform(-s, s))))]


def score(rng):
    # Two decimals: many exact ties, inside an image and across images.
    return round(rng.choice([rng.random(), rng.random(), 0.5, 0.9]), 2)


def bbox_pair():
    rng = random.Random(12001)
    images, anns, dets = [], [], []
    ncat = 6  # class6 never has GT (its detections give AP -1); class5 has GT but no detections
    ann_id = 0  # the first GT gets id 0 on purpose (cocoapi#664: it can never be a true positive)
    for i in range(40):
        W, H = 320, 240
        images.append({'id': 1000 + i, 'width': W, 'height': H, 'file_name': f'img{i:03d}.jpg'})
        ngt = rng.randint(0, 7)
        gts = []
        for j in range(ngt):
            cat = rng.randint(1, 5)
            w = rng.choice([8, 20, 32, 40, 96, 120, rng.uniform(4, 150)])
            h = rng.choice([8, 20, 32, 40, 96, 120, rng.uniform(4, 150)])
            x, y = rng.uniform(0, W - 20), rng.uniform(0, H - 20)
            b = [r6(x), r6(y), r6(w), r6(h)]
            area = r6(b[2] * b[3])
            if rng.random() < 0.15:
                area = rng.choice([32 ** 2, 96 ** 2])  # stored area exactly on a boundary
            a = {'id': ann_id, 'image_id': 1000 + i, 'category_id': cat, 'bbox': b, 'area': area, 'iscrowd': 0,
                 'segmentation': [[b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]]]}
            u = rng.random()
            if u < 0.08:
                a['iscrowd'] = 1
            elif u < 0.14:
                a['ignore'] = 1  # COCOeval overwrites ignore with iscrowd: this GT still counts
            ann_id += 1
            anns.append(a)
            gts.append(a)
        if i % 9 == 4:
            continue  # images without detections
        for g in gts:
            if rng.random() < 0.85:
                for _ in range(rng.choice([1, 1, 1, 2, 3])):
                    cat = g['category_id'] if rng.random() < 0.9 else rng.randint(1, 6)
                    if cat == 5:
                        cat = 6
                    dets.append({'image_id': g['image_id'], 'category_id': cat, 'bbox': jitter_box(rng, g['bbox'], rng.choice([0.02, 0.08, 0.2, 0.4])), 'score': score(rng)})
        nfp = 130 if i == 7 else rng.randint(0, 4)  # image 7 gets more than 100 detections
        for _ in range(nfp):
            w = rng.choice([32, 96, rng.uniform(3, 120)])
            h = rng.choice([32, 96, rng.uniform(3, 120)]) if w not in (32, 96) else w  # exact 32x32 / 96x96 boxes
            cat = rng.choice([1, 2, 3, 4, 6])
            dets.append({'image_id': 1000 + i, 'category_id': cat, 'bbox': [r6(rng.uniform(0, W - 10)), r6(rng.uniform(0, H - 10)), r6(w), r6(h)], 'score': score(rng)})
    rng.shuffle(dets)
    gt = {'info': {'description': 'labelscope eval oracle: bbox'}, 'images': images, 'annotations': anns, 'categories': categories(ncat)}
    return gt, dets


def segm_pair():
    rng = random.Random(12002)
    images, anns, dets_bbox, dets_rle = [], [], [], []
    ann_id = 1
    for i in range(30):
        W, H = rng.choice([(96, 64), (128, 96), (160, 120)])
        images.append({'id': i + 1, 'width': W, 'height': H, 'file_name': f'seg{i:03d}.png'})
        for j in range(rng.randint(0, 6)):
            cat = rng.randint(1, 4)
            cx, cy = rng.uniform(10, W - 10), rng.uniform(10, H - 10)
            rx, ry = rng.uniform(3, W / 3), rng.uniform(3, H / 3)
            kind = rng.choice(['poly', 'poly', 'rle', 'crle'])
            crowd = 1 if rng.random() < 0.12 else 0
            if crowd:
                kind = rng.choice(['rle', 'crle'])  # crowd regions as RLE, as in COCO
            m = ellipse_mask(H, W, cx, cy, rx, ry)
            if kind == 'poly':
                seg = [ellipse_polygon(cx, cy, rx, ry, rng.randint(6, 16))]
                if rng.random() < 0.2:  # a second part
                    seg.append(ellipse_polygon(rng.uniform(5, W - 5), rng.uniform(5, H - 5), 4, 3, 6))
                m = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects(seg, H, W)))
            else:
                seg = uncompressed_rle(m) if kind == 'rle' else compressed_rle(m)
            ys, xs = np.nonzero(m)
            if len(xs) == 0:
                continue
            bb = [float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1), float(ys.max() - ys.min() + 1)]
            area = float(m.sum())
            if rng.random() < 0.1:
                area = rng.choice([32 ** 2, 96 ** 2])
            anns.append({'id': ann_id, 'image_id': i + 1, 'category_id': cat, 'segmentation': seg, 'area': area, 'bbox': bb, 'iscrowd': crowd})
            ann_id += 1
            if i % 7 == 3:
                continue
            for _ in range(rng.choice([0, 1, 1, 2])):
                dm = ellipse_mask(H, W, cx + rng.uniform(-3, 3), cy + rng.uniform(-3, 3), rx * rng.uniform(0.7, 1.3), ry * rng.uniform(0.7, 1.3))
                if dm.sum() == 0:
                    continue
                add_seg_det(rng, dets_bbox, dets_rle, i + 1, cat if rng.random() < 0.9 else rng.randint(1, 5), dm, H, W)
        if i % 7 == 3:
            continue
        for _ in range(rng.randint(0, 3)):
            dm = rect_mask(H, W, rng.uniform(0, W - 8), rng.uniform(0, H - 8), rng.uniform(3, 40), rng.uniform(3, 40))
            if dm.sum():
                add_seg_det(rng, dets_bbox, dets_rle, i + 1, rng.randint(1, 5), dm, H, W)
    gt = {'info': {'description': 'labelscope eval oracle: segm'}, 'images': images, 'annotations': anns, 'categories': categories(5)}
    return gt, dets_bbox, dets_rle


def add_seg_det(rng, dets_bbox, dets_rle, image_id, cat, dm, H, W):
    s = score(rng)
    ys, xs = np.nonzero(dm)
    bb = [float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1), float(ys.max() - ys.min() + 1)]
    if rng.random() < 0.15:
        bb = [bb[0], bb[1], r6(bb[2] * 1.6), r6(bb[3] * 0.5)]  # bbox disagrees with the mask
    if rng.random() < 0.25:
        # a polygon detection (rectangle outline of the mask's box), with its bbox
        x0, y0, x1, y1 = bb[0], bb[1], bb[0] + bb[2], bb[1] + bb[3]
        seg = [[x0, y0, x1, y0, x1, y1, x0, y1]]
        dets_bbox.append({'image_id': image_id, 'category_id': cat, 'segmentation': seg, 'bbox': bb, 'score': s})
    else:
        dets_bbox.append({'image_id': image_id, 'category_id': cat, 'segmentation': compressed_rle(dm), 'bbox': bb, 'score': s})
    # The same mask without a bbox: loadRes' segmentation branch derives area and bbox from the mask.
    dets_rle.append({'image_id': image_id, 'category_id': cat, 'segmentation': compressed_rle(dm), 'score': s})


PERSON_SIGMAS = [.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89]


def keypoint_pair(seed, nkp, cat_name, nimg):
    rng = random.Random(seed)
    images, anns, dets = [], [], []
    ann_id = 1
    for i in range(nimg):
        W, H = 640, 480
        images.append({'id': i + 1, 'width': W, 'height': H, 'file_name': f'kp{i:03d}.jpg'})
        for j in range(rng.randint(0, 5)):
            bw, bh = rng.choice([rng.uniform(20, 60), rng.uniform(60, 300)]), rng.uniform(40, 300)
            x, y = rng.uniform(0, W - bw), rng.uniform(0, H - bh)
            kps, nvis = [], 0
            for k in range(nkp):
                v = rng.choice([0, 1, 2, 2, 2])
                if v == 0:
                    kps += [0, 0, 0]
                else:
                    kps += [r6(x + rng.uniform(0, bw)), r6(y + rng.uniform(0, bh)), v]
                    nvis += 1
            crowd = 1 if rng.random() < 0.08 else 0
            area = r6(bw * bh * rng.uniform(0.5, 0.9))
            if rng.random() < 0.1:
                area = rng.choice([32 ** 2, 96 ** 2])
            a = {'id': ann_id, 'image_id': i + 1, 'category_id': 1, 'bbox': [r6(x), r6(y), r6(bw), r6(bh)], 'area': area,
                 'iscrowd': crowd, 'keypoints': kps, 'num_keypoints': nvis}
            if rng.random() < 0.05:
                a['keypoints'] = [0, 0, 0] * nkp  # no visible keypoints but num_keypoints > 0: the bbox-distance branch of computeOks
                a['num_keypoints'] = 1
            anns.append(a)
            ann_id += 1
            if i % 8 == 5:
                continue
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                s = rng.uniform(0.5, 12)
                d = []
                for k in range(nkp):
                    gx, gy = a['keypoints'][3 * k], a['keypoints'][3 * k + 1]
                    if gx == 0 and gy == 0:
                        gx, gy = x + rng.uniform(0, bw), y + rng.uniform(0, bh)
                    d += [r6(gx + rng.gauss(0, s)), r6(gy + rng.gauss(0, s)), 1]
                dets.append({'image_id': i + 1, 'category_id': 1, 'keypoints': d, 'score': score(rng)})
        if i % 8 == 5:
            continue
        for _ in range(rng.randint(0, 2)):
            d = []
            for k in range(nkp):
                d += [r6(rng.uniform(0, W)), r6(rng.uniform(0, H)), 1]
            dets.append({'image_id': i + 1, 'category_id': 1, 'keypoints': d, 'score': score(rng)})
    cat = {'id': 1, 'name': cat_name, 'supercategory': cat_name, 'keypoints': [f'k{k}' for k in range(nkp)], 'skeleton': []}
    gt = {'info': {'description': f'labelscope eval oracle: keypoints ({cat_name})'}, 'images': images, 'annotations': anns, 'categories': [cat]}
    return gt, dets


def write(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    gt, dets = bbox_pair()
    write('bbox.gt.json', gt)
    write('bbox.dt.json', dets)
    gt, dets_bbox, dets_rle = segm_pair()
    write('segm.gt.json', gt)
    write('segm.dt.json', dets_bbox)
    write('segm-rle.dt.json', dets_rle)
    gt, dets = keypoint_pair(12003, 17, 'person', 40)
    write('keypoints.gt.json', gt)
    write('keypoints.dt.json', dets)
    gt, dets = keypoint_pair(12004, 4, 'hand', 25)
    write('keypoints-custom.gt.json', gt)
    write('keypoints-custom.dt.json', dets)


if __name__ == '__main__':
    main()
