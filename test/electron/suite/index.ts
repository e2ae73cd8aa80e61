/** Entry point @vscode/test-electron loads in the extension host: runs every *.test.js beside it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 120_000 });
  for (const f of fs.readdirSync(__dirname)) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, tests = 0 } = runner.stats ?? {};
      console.log(`[electron-suite] ${tests} test(s): ${passes} passing, ${failures} failing`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else if (tests === 0) reject(new Error('no tests ran'));
      else resolve();
    });
  });
}
