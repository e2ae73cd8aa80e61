/** The check service's queues: one per file; big files take turns; small files never wait behind them. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';
import { BIG_CHECK_BYTES, CheckService } from '../../src/extension/checkService';
import type { CheckRunner } from '../../src/extension/checkRunner';
import type { KeptOutcome } from '../../src/node/checkWorkerProtocol';
import { ProblemArray } from '../../src/core/report/problemTable';
import { StatusBar } from '../../src/extension/statusBar';

const outcome = (file: string): KeptOutcome => ({
  file, problems: new ProblemArray([]), summary: { byRule: {}, bySeverity: { error: 0, warning: 0, info: 0 }, total: 0 } as never,
  configErrors: [], durationMs: 0, maxProblemsPerRule: 500, fixableRules: [],
});

describe('check service queues', () => {
  beforeEach(() => mock.__mock.reset());

  it('a small file\'s check does not wait behind a big file\'s; two big files take turns', async () => {
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const runner: CheckRunner = {
      run: (req) => { started.push(req.file); return new Promise((r) => release.set(req.file, () => r(outcome(req.file)))); },
      fixAll: () => { throw new Error('unused'); },
    };
    const svc = new CheckService({
      runner, diagnostics: vscode.languages.createDiagnosticCollection('t'), status: new StatusBar(() => [], () => undefined),
      log: vscode.window.createOutputChannel('t'),
    });
    const big1 = svc.check(vscode.Uri.file('/d/big1.json'), { size: BIG_CHECK_BYTES + 1 });
    const big2 = svc.check(vscode.Uri.file('/d/big2.json'), { size: BIG_CHECK_BYTES + 1 });
    const small = svc.check(vscode.Uri.file('/d/small.json'), { size: 1000 });
    const until = async (f: () => boolean) => { while (!f()) await new Promise((r) => setImmediate(r)); };
    await until(() => started.includes('/d/small.json'));
    assert.deepEqual([...started].sort(), ['/d/big1.json', '/d/small.json'], 'big2 waits for big1; small does not');
    release.get('/d/small.json')!();
    assert.equal((await small)?.file, '/d/small.json', 'the small check finished while the big one runs');
    release.get('/d/big1.json')!();
    await big1;
    await until(() => started.includes('/d/big2.json'));
    release.get('/d/big2.json')!();
    await big2;
    svc.dispose();
  });
});
