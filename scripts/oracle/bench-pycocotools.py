#!/usr/bin/env python3
"""Times pycocotools on the eval benchmark pair (bench/evalData.ts) and writes
scripts/oracle/pycocotools-bench.json, which `npm run bench:eval` compares against.

    npx tsx -e "require('./bench/evalData').evalBenchFiles()"     # generate the pair once
    PYTHONPATH=/tmp/i12-coco/PythonAPI /usr/bin/python3 scripts/oracle/bench-pycocotools.py bench/.data/eval-v2-5000

Times span reading the files to the summary (COCO(gt) + loadRes(json) + evaluate + accumulate +
summarize), the same span Labelscope's bench measures, as CPU seconds of the process (the
machine is shared: wall-clock is recorded too but depends on the neighbours' load).
"""
import contextlib
import io
import json
import os
import platform
import sys
import time

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

HERE = os.path.dirname(os.path.abspath(__file__))
d = sys.argv[1]
stamp = json.load(open(os.path.join(d, 'stamp.json')))
version = int(os.path.basename(d.rstrip('/')).split('-')[1][1:])
runs = []
for iou_type, dt in (('bbox', 'dt-bbox.json'), ('segm', 'dt-segm.json')):
    with contextlib.redirect_stdout(io.StringIO()):
        c0 = time.process_time()
        t0 = time.perf_counter()
        gt = COCO(os.path.join(d, 'gt.json'))
        with open(os.path.join(d, dt)) as f:
            dets = json.load(f)
        res = gt.loadRes(dets)
        t1 = time.perf_counter()
        E = COCOeval(gt, res, iou_type)
        E.evaluate()
        t2 = time.perf_counter()
        E.accumulate()
        t3 = time.perf_counter()
        E.summarize()
        t4 = time.perf_counter()
        c4 = time.process_time()
    runs.append({'dataVersion': version, 'images': stamp['images'], 'labels': stamp['labels'], 'detections': stamp['detections'], 'iouType': iou_type,
                 'cpuSeconds': c4 - c0,
                 'seconds': {'total': t4 - t0, 'load': t1 - t0, 'evaluate': t2 - t1, 'accumulate': t3 - t2},
                 'stats': [float(x) for x in E.stats]})
    print(iou_type, runs[-1]['cpuSeconds'], runs[-1]['seconds'], flush=True)
out = {'tool': 'pycocotools, cocodataset/cocoapi 8c9bcc3cf640524c4c20a9c40e89cb6a2f2fa0e9 (see test/fixtures/eval-oracle/README.md)',
       'python': platform.python_version(), 'machine': f'{platform.machine()}, {os.cpu_count()} cores (shared)', 'runs': runs}
with open(os.path.join(HERE, 'pycocotools-bench.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
