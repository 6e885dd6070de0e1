import type { KernelModule } from '../model/kernelModule';
import { kernelMessage, type Fix } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';

interface Replacement {
  /** What to use instead, in words. */
  readonly instead: string;
  /** The call to write for `name(args…)`, or undefined when the change needs thought. */
  readonly rewrite?: (args: readonly string[]) => string | undefined;
}

const one = (name: string) => (args: readonly string[]) => `${name}(${args.join(', ')})`;

/** Seed pitfall 3: C library calls have no place in the kernel; each has a kernel counterpart. */
const USERSPACE_CALLS: ReadonlyMap<string, Replacement> = new Map(
  Object.entries({
    printf: { instead: 'pr_info()', rewrite: one('pr_info') },
    puts: {
      instead: 'pr_info("%s\\n", …)',
      rewrite: (a) => (a.length === 1 ? `pr_info("%s\\n", ${a[0]})` : undefined),
    },
    fprintf: { instead: 'pr_err() or pr_info()' },
    perror: { instead: 'pr_err()' },
    malloc: {
      instead: 'kmalloc(size, GFP_KERNEL)',
      rewrite: (a) => (a.length === 1 ? `kmalloc(${a[0]}, GFP_KERNEL)` : undefined),
    },
    calloc: {
      instead: 'kcalloc(n, size, GFP_KERNEL)',
      rewrite: (a) => (a.length === 2 ? `kcalloc(${a[0]}, ${a[1]}, GFP_KERNEL)` : undefined),
    },
    realloc: {
      instead: 'krealloc(p, size, GFP_KERNEL)',
      rewrite: (a) => (a.length === 2 ? `krealloc(${a[0]}, ${a[1]}, GFP_KERNEL)` : undefined),
    },
    free: { instead: 'kfree()', rewrite: one('kfree') },
    strdup: {
      instead: 'kstrdup(s, GFP_KERNEL)',
      rewrite: (a) => (a.length === 1 ? `kstrdup(${a[0]}, GFP_KERNEL)` : undefined),
    },
    exit: { instead: 'returning a negative errno from init' },
    abort: { instead: 'BUG() or WARN_ON()' },
    sleep: { instead: 'ssleep() or msleep()', rewrite: one('ssleep') },
    usleep: { instead: 'usleep_range(min, max)' },
    fopen: { instead: 'filp_open() (and rarely should a module open files at all)' },
    fclose: { instead: 'filp_close()' },
    pthread_create: { instead: 'kthread_run()' },
    pthread_mutex_lock: { instead: 'mutex_lock()', rewrite: one('mutex_lock') },
    pthread_mutex_unlock: { instead: 'mutex_unlock()', rewrite: one('mutex_unlock') },
    rand: { instead: 'get_random_u32()', rewrite: (a) => (a.length === 0 ? 'get_random_u32()' : undefined) },
    gettimeofday: { instead: 'ktime_get_real_ts64()' },
    system: { instead: 'call_usermodehelper()' },
  } satisfies Record<string, Replacement>),
);

/** Whether userspace-api speaks for this name (the symbol checks then leave it alone). */
export function isUserspaceCall(name: string): boolean {
  return USERSPACE_CALLS.has(name);
}

/**
 * modpost: `"printf" [mod.ko] undefined!`. Only calls the module does not define itself, and that
 * no visible header defines as a macro or inline, are reported.
 */
export function checkUserspaceApi(module: KernelModule, knowsName: (name: string) => boolean): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  for (const source of module.sources) {
    for (const fn of source.facts.functions) {
      // A parameter or local named `free` (a function pointer) is not the C library's.
      const outside = new Set(fn.uses.filter((u) => u.isCall).map((u) => u.name));
      for (const event of fn.events) {
        if (event.kind !== 'call' || !outside.has(event.name)) continue;
        const replacement = USERSPACE_CALLS.get(event.name);
        if (replacement === undefined || module.definedNames.has(event.name) || knowsName(event.name)) continue;
        const rewritten = replacement.rewrite?.(event.args.map((a) => a.text));
        const fixes: Fix[] =
          rewritten === undefined
            ? []
            : [
                {
                  title: `Replace with ${rewritten.length > 60 ? `${rewritten.slice(0, 57)}…` : rewritten}`,
                  preferred: true,
                  edits: [{ range: source.lines.rangeOf(event.start, event.end), newText: rewritten }],
                },
              ];
        found.push({
          path: source.path,
          diagnostic: {
            range: source.lines.rangeOf(event.nameStart, event.nameEnd),
            severity: 'error',
            code: 'userspace-api',
            source: 'lkm',
            message: kernelMessage(
              `"${event.name}" [${module.name}.ko] undefined!`,
              `${event.name}() belongs to the C library, and kernel code has none: use ${replacement.instead}.`,
            ),
            ...(fixes.length > 0 ? { fixes } : {}),
          },
        });
      }
    }
  }
  return found;
}
