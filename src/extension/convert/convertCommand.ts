/**
 * `Labelscope: Convert Dataset…` — palette and Explorer context menu (folders, .json/.xml/.yaml).
 * A QuickPick wizard (target format, output folder, class map, format options), progress with
 * cancel, then the result opens: a COCO file in the Labelscope viewer, anything else as the
 * conversion report's Markdown preview. Never in an untrusted workspace (it writes files).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TargetFormat } from '../../core/convert/formats';
import type { CrowdMode, MultipartMode } from '../../core/convert/yolo';
import type { RunConvertOptions, RunConvertResult } from '../../node/convert/runConvert';

export const CONVERT_COMMAND = 'labelscope.convertDataset';
const COCO_VIEWER = 'labelscope.cocoEditor.json';

interface Pick<T> extends vscode.QuickPickItem { value: T }

const TARGET_PICKS: Pick<TargetFormat>[] = [
  { label: 'COCO', description: 'instances JSON', value: 'coco' },
  { label: 'YOLO segment', description: 'Ultralytics layout, polygons + data.yaml', value: 'yolo-seg' },
  { label: 'YOLO detect', description: 'Ultralytics layout, boxes + data.yaml', value: 'yolo' },
  { label: 'YOLO pose', description: 'Ultralytics layout, boxes + keypoints, kpt_shape', value: 'yolo-pose' },
  { label: 'Pascal VOC', description: 'Annotations XML, ImageSets, SegmentationObject/Class PNGs', value: 'voc' },
  { label: 'labelme', description: 'one JSON per image', value: 'labelme' },
  { label: 'CVAT for images 1.1', description: 'annotations.xml', value: 'cvat' },
  { label: 'Label Studio', description: 'JSON export (percent coordinates, brush RLE)', value: 'labelstudio' },
  { label: 'Mask PNGs', description: 'instance + semantic PNGs, classes.json', value: 'masks' },
];

/** Test seam: the conversion itself (the real one runs in dist/convertWorker.js). */
export type ConvertRunner = (opts: RunConvertOptions) => Promise<RunConvertResult>;

export function registerConvertCommand(context: vscode.ExtensionContext, runner?: ConvertRunner): void {
  const run = runner ?? workerRunner(path.join(context.extensionPath, 'dist', 'convertWorker.js'));
  context.subscriptions.push(vscode.commands.registerCommand(CONVERT_COMMAND, (uri?: vscode.Uri) => convertDataset(uri, run)));
}

/**
 * The conversion in a worker thread, so a big dataset never blocks the extension host; without
 * the bundle (tests from sources) it runs here. Both load node/convert on first use.
 */
export function workerRunner(script: string): ConvertRunner {
  return (opts) => {
    /* eslint-disable @typescript-eslint/no-require-imports -- the converters load on first use, not at activation */
    if (fs.existsSync(script)) return (require('../../node/convert/convertInWorker') as typeof import('../../node/convert/convertInWorker')).runConvertInWorker({ filename: script }, opts);
    return (require('../../node/convert/runConvert') as typeof import('../../node/convert/runConvert')).runConvert(opts);
    /* eslint-enable @typescript-eslint/no-require-imports */
  };
}

export async function convertDataset(uri: vscode.Uri | undefined, runner?: ConvertRunner): Promise<RunConvertResult | undefined> {
  if (vscode.workspace.isTrusted === false) {
    void vscode.window.showWarningMessage('Labelscope: converting writes files, which Labelscope never does in an untrusted workspace. Trust the workspace to convert.');
    return undefined;
  }
  const input = uri?.scheme === 'file' ? uri.fsPath : vscode.window.activeTextEditor?.document.uri.fsPath ?? (await pickInput());
  if (!input) return undefined;

  const to = await pick(TARGET_PICKS, `Convert ${path.basename(input)} to…`);
  if (!to) return undefined;
  const inputBase = path.basename(input).replace(/\.(json|xml|ya?ml)$/i, '');
  const defaultOut = to === 'coco'
    ? path.join(path.dirname(input), `${inputBase}-coco`, 'annotations.json')
    : path.join(path.dirname(input), `${inputBase}-${to}`);
  const out = await pick<string | 'browse'>([
    { label: path.relative(path.dirname(input), defaultOut) || defaultOut, description: 'beside the input', value: defaultOut },
    { label: 'Choose a folder…', value: 'browse' },
  ], 'Output');
  if (!out) return undefined;
  let output = out;
  if (out === 'browse') {
    const chosen = await vscode.window.showOpenDialog?.({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Convert here' });
    if (!chosen?.length) return undefined;
    output = to === 'coco' ? path.join(chosen[0].fsPath, 'annotations.json') : chosen[0].fsPath;
  }
  const classMap = await pick<string | undefined | 'browse'>([
    { label: 'Keep the classes', description: 'mapped by name', value: undefined },
    { label: 'Rename / merge / drop classes with a map file…', description: '{"old": "new" | null}', value: 'browse' },
  ], 'Classes');
  if (classMap === null) return undefined;
  let classesFile: string | undefined;
  if (classMap === 'browse') {
    const f = await vscode.window.showOpenDialog?.({ canSelectMany: false, filters: { 'Class map': ['json'] } });
    if (!f?.length) return undefined;
    classesFile = f[0].fsPath;
  }
  let multipart: MultipartMode = 'bridge';
  let crowd: CrowdMode = 'contours';
  if (to === 'yolo-seg') {
    const m = await pick<MultipartMode>([
      { label: 'Bridge multi-part objects', description: 'one polygon, as Ultralytics\' merge_multi_segment', value: 'bridge' },
      { label: 'Split multi-part objects', description: 'one line per part', value: 'split' },
    ], 'Multi-part objects');
    if (!m) return undefined;
    multipart = m;
    const c = await pick<CrowdMode>([
      { label: 'Trace crowd / RLE masks into polygons', description: 'holes are filled (counted)', value: 'contours' },
      { label: 'Write crowd / RLE objects as boxes', value: 'box' },
      { label: 'Skip crowd / RLE objects', description: 'counted in the report', value: 'skip' },
    ], 'Crowd and RLE objects');
    if (!c) return undefined;
    crowd = c;
  }
  let force = false;
  if (fs.existsSync(output) && (fs.statSync(output).isFile() || fs.readdirSync(output).length > 0)) {
    const answer = await vscode.window.showWarningMessage(`${output} exists. Write the conversion into it (files of the same name are replaced)?`, { modal: true }, 'Overwrite');
    if (answer !== 'Overwrite') return undefined;
    force = true;
  }

  const run = runner ?? workerRunner('');
  let result: RunConvertResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Labelscope: converting to ${to}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        // once the finished output is being moved into place, cancelling would leave a mix
        const onCommit = () => progress.report({ message: 'moving the output into place' });
        return run({
          input, output, to, classesFile, multipart, crowd, force, signal: abort.signal, onCommit,
          onProgress: (phase, fraction) => {
            const pct = Math.round(fraction * 100);
            progress.report({ message: phase, increment: Math.max(0, pct - last) });
            last = Math.max(last, pct);
          },
        });
      },
    );
  } catch (e) {
    if ((e as Error).name === 'AbortError') { void vscode.window.showInformationMessage('Labelscope: conversion cancelled.'); return undefined; }
    void vscode.window.showErrorMessage(`Labelscope: ${(e as Error).message}`);
    return undefined;
  }
  const r = result.report;
  const dropped = r.dropped.reduce((n, d) => n + d.count, 0);
  const summary = `Labelscope: ${r.objectsIn} objects in, ${r.objectsOut} out, ${dropped} dropped` + (r.roundTrip?.meanMaskIou != null ? `; round-trip mask IoU mean ${r.roundTrip.meanMaskIou.toFixed(3)}` : '') + '.';
  if (to === 'coco') {
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(result.outputPath), COCO_VIEWER);
    void vscode.window.showInformationMessage(summary, 'Open Report').then((a) => { if (a) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(result.reportPath)); });
  } else {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(result.reportPath));
    void vscode.window.showInformationMessage(summary);
  }
  return result;
}

async function pick<T>(items: Pick<T>[], title: string): Promise<T | undefined | null> {
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder: title, ignoreFocusOut: true });
  return chosen ? chosen.value : (null as unknown as undefined);
}

async function pickInput(): Promise<string | undefined> {
  const f = await vscode.window.showOpenDialog?.({ canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: 'Convert' });
  return f?.[0]?.fsPath;
}
