import * as vscode from 'vscode';
import type { TargetInfo } from '../../server/src/protocol/lkmProtocol';
import { readSetting, writeWorkspaceSetting } from './workspaceSettings';

export const CONFIRM_LOADS_SETTING = 'target.confirmLoads';

/**
 * A module loaded into a real kernel runs with the kernel's privileges, and a bad one can hang or
 * crash the machine, so each load asks first unless `lkm.target.confirmLoads` is off.
 */
export async function confirmLoad(target: TargetInfo, what: string): Promise<boolean> {
  if (!target.real) return true;
  if (!readSetting(CONFIRM_LOADS_SETTING, true)) return true;
  const load = 'Load';
  const always = "Load, and Don't Ask Again in This Workspace";
  const choice = await vscode.window.showWarningMessage(
    `Load ${what} into ${target.label}?`,
    {
      modal: true,
      detail: `${target.label} is a real kernel${target.release === undefined ? '' : ` (${target.release})`}: the module's code runs with the kernel's privileges, and a faulty module can oops, hang or crash the machine.`,
    },
    load,
    always,
  );
  if (choice === always) await writeWorkspaceSetting(CONFIRM_LOADS_SETTING, false);
  return choice === load || choice === always;
}
