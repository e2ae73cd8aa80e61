#!/usr/bin/env python3
"""Reference numbers for Labelscope's COCOeval port, computed once with the real pycocotools.

Usage (see test/fixtures/eval-oracle/README.md for the build of pycocotools in /tmp):
    PYTHONPATH=/tmp/i12-coco/PythonAPI /usr/bin/python3 scripts/oracle/make-eval-oracle.py

Reads the pairs in test/fixtures/eval-oracle/inputs/ and writes one JSON per run to
test/fixtures/eval-oracle/expected/: params, the 12 (10) stats, the summarize() lines as printed,
per-category AP / AR (means over the -1-free entries, as summarize() averages), the precision
array at area 'all' and the largest maxDets (T x R x K), the full recall array, and the
evalImgs of area 'all' (dtIds, gtIds, dtMatches, dtIgnore, gtIgnore).
"""
import contextlib
import io
import json
import os
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'eval-oracle')

RUNS = [
    # name, gt, dt, iouType, extra params
    ('bbox', 'bbox.gt.json', 'bbox.dt.json', 'bbox', {}),
    ('bbox-maxdets', 'bbox.gt.json', 'bbox.dt.json', 'bbox', {'maxDets': [1, 5, 50]}),
    ('bbox-on-segm', 'segm.gt.json', 'segm.dt.json', 'bbox', {}),
    ('segm', 'segm.gt.json', 'segm.dt.json', 'segm', {}),
    ('segm-rle', 'segm.gt.json', 'segm-rle.dt.json', 'segm', {}),
    ('bbox-rle', 'segm.gt.json', 'segm-rle.dt.json', 'bbox', {}),
    ('keypoints', 'keypoints.gt.json', 'keypoints.dt.json', 'keypoints', {}),
    ('keypoints-custom', 'keypoints-custom.gt.json', 'keypoints-custom.dt.json', 'keypoints', {'kpt_oks_sigmas': [0.05, 0.1, 0.02, 0.07]}),
]


def floats(a):
    return [float(x) for x in np.asarray(a).reshape(-1)]


def run(name, gt_file, dt_file, iou_type, extra):
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        gt = COCO(os.path.join(FIX, 'inputs', gt_file))
        with open(os.path.join(FIX, 'inputs', dt_file)) as f:
            dets = json.load(f)
        dt = gt.loadRes(dets)
        E = COCOeval(gt, dt, iou_type)
        if 'maxDets' in extra:
            E.params.maxDets = extra['maxDets']
        if 'kpt_oks_sigmas' in extra:
            E.params.kpt_oks_sigmas = np.array(extra['kpt_oks_sigmas'])
        E.evaluate()
        E.accumulate()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        E.summarize()
    p = E.params
    prec = E.eval['precision']  # T R K A M
    rec = E.eval['recall']  # T K A M
    per_cat = []
    for k, cat_id in enumerate(p.catIds):
        s = prec[:, :, k, 0, -1]
        r = rec[:, k, 0, -1]
        per_cat.append({
            'categoryId': int(cat_id),
            'ap': float(np.mean(s[s > -1])) if (s > -1).any() else -1.0,
            'ar': float(np.mean(r[r > -1])) if (r > -1).any() else -1.0,
        })
    eval_imgs = []
    A = len(p.areaRng)
    I = len(p.imgIds)
    for k in range(len(p.catIds)):
        for i in range(I):
            e = E.evalImgs[k * A * I + i]  # area index 0 = 'all'
            if e is None:
                continue
            eval_imgs.append({
                'imageId': int(e['image_id']), 'categoryId': int(e['category_id']),
                'dtIds': [int(x) for x in e['dtIds']], 'gtIds': [int(x) for x in e['gtIds']],
                'dtMatches': [floats(row) for row in e['dtMatches']],
                'dtIgnore': [[int(x) for x in row] for row in e['dtIgnore']],
                'gtIgnore': [int(x) for x in e['gtIgnore']],
            })
    out = {
        'run': name, 'gt': gt_file, 'dt': dt_file, 'iouType': iou_type, 'extra': extra,
        'params': {
            'imgIds': [int(x) for x in p.imgIds], 'catIds': [int(x) for x in p.catIds],
            'iouThrs': floats(p.iouThrs), 'recThrs': floats(p.recThrs), 'maxDets': [int(x) for x in p.maxDets],
            'areaRng': [[float(a), float(b)] for a, b in p.areaRng], 'areaRngLbl': list(p.areaRngLbl),
        },
        'stats': floats(E.stats),
        'summary': printed.getvalue(),
        'perCategory': per_cat,
        'precisionAllAreaLastMaxDet': [[floats(prec[t, r, :, 0, -1]) for r in range(prec.shape[1])] for t in range(prec.shape[0])],
        'recall': rec.tolist(),
        'evalImgsAllArea': eval_imgs,
    }
    os.makedirs(os.path.join(FIX, 'expected'), exist_ok=True)
    with open(os.path.join(FIX, 'expected', name + '.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(name, ' '.join('%.6f' % s for s in E.stats))


if __name__ == '__main__':
    for r in RUNS:
        run(*r)
