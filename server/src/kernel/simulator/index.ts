/** The simulated Linux 6.1 kernel with kmod 30 (or busybox 1.35) module tools: an editor-free library. */
export { DEBIAN_6_1_CONFIG, DEBIAN_6_1_RELEASE, configForRelease, type KernelConfig } from './kernelConfig';
export { KernelState, moduleAddress, type KernelOptions, type LoadedModule, type ModuleState } from './kernelState';
export { KernelLog, formatRaw, formatTimestamp, KERN, type LogLevel, type LogRecord } from './kernelLog';
export type {
  LoadableModule,
  LoadableParameter,
  LoadableExport,
  LoadableImport,
  LoadableSection,
  LoadableSymbol,
  ParameterType,
} from './loadableModule';
export { moduleFromKo } from './koModule';
export { moduleFromSource } from './sourceModule';
export { SourceModuleLoader, sourcesBeside } from './sourceLoader';
export { layoutModule, type ModuleLayout } from './layout';
export {
  DefaultEntryPointRunner,
  ScriptedEntryPointRunner,
  type EntryContext,
  type EntryPointRunner,
  type EntryResult,
  type ModuleScript,
  type PrintkLine,
} from './entryPoints';
export { loadModule, type LoadInput, type LoadResult } from './loader';
export { deleteModule, moduleGet, modulePut } from './unloader';
export { Machine, type DiskFile } from './machine';
export { DeviceNumbers, type BlockMajor, type CharRegion, type Registration } from './devices';
export { KmodIndex } from './kmodIndex';
export { depmod, runDepmod } from './depmod';
export { runCommand, runTool, splitWords, type ToolSet } from './shell';
export type { ToolOutput } from './toolSupport';
export { parseScenario, prepareScenario, runScenarioLines, formatResult, type ScenarioLine } from './scenario';
export { procModules, procKallsyms } from './procfs';
export { lookup, readFile, writeFile } from './vfs';
export {
  restoreMachine,
  saveMachine,
  serializeMachine,
  SimulatorStateError,
  STATE_FORMAT,
  STATE_VERSION,
} from './persistence';
export { strerror, ERRNO } from './errno';
export { TAINT, TAINT_FLAGS, moduleTaintLetters } from './taint';
