/**
 * The CLI check's scan worker, phase by phase, on this one thread: the scan (element ranges),
 * startScanFacts (the images), the facts fill of every annotation (polygonReader.ts +
 * SegmentationFactsBuilder.addPolygons + the rasterized areas) and the line checkpoints, each
 * with its wall time and this thread's CPU time (Linux /proc: the machine's load does not
 * inflate it), plus a SHA-256 of the filled fact columns, so a change to the worker's arithmetic
 * can be checked for bit-identity against main's digest in the same breath.
 *
 *   npx tsx bench/factsFill.ts [FILE] [--repeat N]   (default: the train2017-like bench file)
 *   npm run bench:facts-fill
 */
import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { Scanner, type ScanSink } from '../src/core/coco/parse';
import { lineCheckpoints } from '../src/core/coco/lineIndex';
import { SectionRanges, startScanFacts } from '../src/node/scanFacts';
import { dataFile } from './generate';

/** CPU ms of this thread (utime + stime, clock ticks of 10 ms). */
function threadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function timed<T>(name: string, work: () => T): T {
  const t = performance.now(), c = threadCpuMs();
  const out = work();
  console.log(`${name.padEnd(22)} wall ${(performance.now() - t).toFixed(0).padStart(6)} ms   thread CPU ${(threadCpuMs() - c).toFixed(0).padStart(6)} ms`);
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--repeat') ?? dataFile(1);
  const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 1;
  const buf = readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const ranges = new SectionRanges();
  const sink: ScanSink = {
    member: (key) => ranges.member(key),
    element: (start, end, nf) => ranges.element(start, end, nf),
    value() {}, issue() {}, invalid() {},
  };
  timed('scan', () => new Scanner(bytes, {}, sink).run(bytes.length + 1));
  const n = ranges.annotations.length;
  for (let r = 0; r < repeat; r++) {
    const made = timed('startScanFacts (images)', () => startScanFacts(buf, ranges, undefined));
    timed(`fill (${n} annotations)`, () => made.fill(0, n));
    const c = made.table.columns;
    const digest = createHash('sha256');
    for (const column of [c.kind, c.flags, c.imageSlot, c.minX, c.minY, c.maxX, c.maxY, c.shoelace, c.excess, c.maskArea!]) {
      digest.update(new Uint8Array(column.slice().buffer));
    }
    console.log(`fact columns sha256 ${digest.digest('hex')}`);
  }
  timed('lineCheckpoints', () => lineCheckpoints(bytes));
  timed('lineCheckpoints (isAscii)', () => lineCheckpoints(bytes, (from, to) => {
    const block = buf.subarray(from, to);
    return isAscii(block) && block.indexOf(10) === -1;
  }));
}

main();
