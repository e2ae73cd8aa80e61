/** Runs one benchmark case; prints one JSON line `BENCH_RESULT {...}` with its peak RSS. */
import { CASES } from './cases';

async function main() {
  const [name, file] = process.argv.slice(2);
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`unknown case ${name}`);
  const result = await c.run(file);
  const maxRssMB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...result, maxRssMB })}\n`);
}
main().catch((e) => { console.error(e); process.exit(1); });
