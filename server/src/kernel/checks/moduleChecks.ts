import type { KernelModule } from '../model/kernelModule';
import { checkMissingLicense } from './licenseChecks';
import type { ModuleDiagnostic } from './moduleDiagnostic';

type ModuleCheck = (module: KernelModule) => ModuleDiagnostic[];

const MODULE_CHECKS: readonly ModuleCheck[] = [checkMissingLicense];

export function checkModule(module: KernelModule): ModuleDiagnostic[] {
  return MODULE_CHECKS.flatMap((check) => check(module));
}
