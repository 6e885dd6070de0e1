/**
 * What activate() returns: a small, read-only window on the editor's state for the end-to-end
 * tests (test/e2e/), which drive the commands and then read what the user would see.
 */
export interface LkmExtensionApi {
  /** Settles once the server has started and the first target state and kernel log have been asked for. */
  readonly ready: Promise<void>;
  /** The Kernel Modules view's rows, as shown. */
  modulesView(): { label: string; description?: string; tooltip?: string; contextValue?: string }[];
  /** The Kernel Log channel's text, one line per record or operation line, each with its level: `[info] …`. */
  kernelLogText(): string;
  /** The target status bar item's text. */
  statusText(): string;
}
