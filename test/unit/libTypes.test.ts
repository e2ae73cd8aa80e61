/**
 * The library as a TypeScript user meets it: `dist/core.d.ts` (bundled by
 * dts-bundle-generator from src/lib.ts, as `npm run build:types` makes it) and
 * `dist/core.js` installed as node_modules/labelscope with the package's own
 * `exports`/`types`; a user script is type-checked against them, compiled and run.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'sample', 'annotations', 'instances_sample.json');

const USER_SCRIPT = `
import { loadCoco, polygonsToRle, rleArea, rleToBbox, checkDocument, positionProblems, ALL_RULES, type CocoDocument, type Rle, type Problem } from 'labelscope';

async function main(file: string): Promise<void> {
  const doc: CocoDocument = await loadCoco(file);
  const ann = doc.annotations[0] as { segmentation: number[][]; image_id: number };
  const img = doc.imageById(ann.image_id) as { height: number; width: number };
  const rle: Rle = polygonsToRle(ann.segmentation, img.height, img.width);
  const problems: Problem[] = checkDocument(doc).problems;
  const rules = new Set(positionProblems(doc, problems).map((p) => p.rule));
  console.log(JSON.stringify({ area: rleArea(rle), bbox: rleToBbox(rle), images: doc.images.length, ruleCount: ALL_RULES.length, anyRule: rules.size > 0 }));
}
main(process.argv[2]).catch((e) => { console.error(e); process.exit(1); });
`;

describe('library types: dist/core.d.ts', function () {
  this.timeout(300000);
  let dir: string;
  let pkgDir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-types-'));
    pkgDir = path.join(dir, 'node_modules', 'labelscope');
    fs.mkdirSync(path.join(pkgDir, 'dist'), { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, main: pkg.main, types: pkg.types, exports: pkg.exports }));
    await build({ entryPoints: [path.join(ROOT, 'src/lib.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: path.join(pkgDir, 'dist', 'core.js'), external: ['vscode', 'sharp', 'onnxruntime-node'], logLevel: 'silent' });
    const [dts] = generateDtsBundle([{ filePath: path.join(ROOT, 'src/lib.ts'), output: { noBanner: true } }], { preferredConfigPath: path.join(ROOT, 'tsconfig.node.json') });
    fs.writeFileSync(path.join(pkgDir, 'dist', 'core.d.ts'), dts);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function compile(source: string): { diagnostics: string[]; out: string } {
    const file = path.join(dir, 'user.ts');
    fs.writeFileSync(file, source);
    const program = ts.createProgram([file], {
      strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')], outDir: path.join(dir, 'out'), skipLibCheck: false,
    });
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]
      .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    return { diagnostics, out: path.join(dir, 'out', 'user.js') };
  }

  it('the package points its types and exports at dist/core.d.ts and dist/core.js', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.types, './dist/core.d.ts');
    assert.deepEqual(pkg.exports['.'], { types: './dist/core.d.ts', default: './dist/core.js' });
    assert.equal(pkg.main, './dist/extension.js', 'VS Code still loads the extension from main');
  });

  it('a user script type-checks against the published types (strict, with the d.ts itself checked), compiles and runs', () => {
    const { diagnostics, out } = compile(USER_SCRIPT);
    assert.deepEqual(diagnostics, []);
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const result = JSON.parse(execFileSync(process.execPath, [out, SAMPLE], { cwd: dir, encoding: 'utf8' }));
    assert.deepEqual(result, { area: 6300, bbox: [30, 40, 90, 70], images: 5, ruleCount: result.ruleCount, anyRule: true });
    assert.ok(result.ruleCount > 40);
  });

  it('the types are real: misuse is a compile error, internals are not exported', () => {
    const { diagnostics } = compile(`import { rleArea, parseCoco } from 'labelscope';\nrleArea('not an rle');\nparseCoco(42);\nimport { segmentationFacts } from 'labelscope';\nexport {};\n`);
    assert.ok(diagnostics.some((d) => /'string' is not assignable to parameter of type 'Rle'/.test(d)), diagnostics.join('\n'));
    assert.ok(diagnostics.some((d) => /'number' is not assignable to parameter of type 'Uint8Array/.test(d)), diagnostics.join('\n'));
    assert.ok(diagnostics.some((d) => /has no exported member 'segmentationFacts'/.test(d)), diagnostics.join('\n'));
  });
});
