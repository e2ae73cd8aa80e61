/** The status bar item: problem counts for the file in view, or check progress. */
import * as vscode from 'vscode';
import type { KeptOutcome } from '../node/checkWorkerProtocol';
import { KIND_LABEL } from '../core/coco/kind';
import { phaseWord } from './checkRunner';

/** Cancels every running check (the status bar item's command while a check runs). */
export const CANCEL_CHECKS_COMMAND = 'labelscope.cancelChecks';

export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private busyText: string | undefined;

  constructor(private readonly outcomes: () => readonly KeptOutcome[], private readonly outcomeForActive: () => KeptOutcome | undefined) {
    this.item = vscode.window.createStatusBarItem('labelscope.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Labelscope';
    this.item.command = 'workbench.actions.view.problems';
    this.refresh();
  }

  busy(fileName: string, fraction: number, phase: string): void {
    this.busyText = `$(sync~spin) Labelscope: ${phaseWord(phase)} ${fileName} ${Math.round(fraction * 100)}%`;
    this.item.text = this.busyText;
    // A click while checking cancels (the viewer has its own Cancel; big files also a notification).
    this.item.command = CANCEL_CHECKS_COMMAND;
    this.item.tooltip = `Labelscope is checking ${fileName}. Click to cancel.`;
    this.item.show();
  }

  idle(): void {
    this.busyText = undefined;
    this.item.command = 'workbench.actions.view.problems';
  }

  refresh(): void {
    if (this.busyText) return;
    const active = this.outcomeForActive();
    const list = active ? [active] : this.outcomes();
    if (list.length === 0) {
      this.item.hide();
      return;
    }
    let errors = 0, warnings = 0, infos = 0;
    for (const o of list) { errors += o.summary.errors; warnings += o.summary.warnings; infos += o.summary.infos; }
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const icon = errors > 0 ? '$(error)' : warnings > 0 ? '$(warning)' : '$(pass)';
    // The file in view says what kind of COCO file it was checked as (captions, panoptic, results …).
    const kind = active?.summary.kind;
    this.item.text = `${icon} Labelscope: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${kind && kind !== 'instances' ? ` · ${kind}` : ''}`;
    const scope = active ? `${active.file}${kind ? `\n${KIND_LABEL[kind]}` : ''}` : `${list.length} COCO file${list.length === 1 ? '' : 's'}`;
    this.item.tooltip = `Labelscope — ${scope}\n${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info\nClick to open the Problems panel.`;
    this.item.backgroundColor = errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
