/**
 * dump_stack() as Linux 6.1 prints it on the reference VM (lib/dump_stack.c with Debian's package
 * version; arch/x86's show_trace_log_lvl and show_regs), for the warnings the simulator reaches:
 *
 *   CPU: 0 PID: 129 Comm: insmod Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2
 *   Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
 *   Call Trace:
 *    <TASK>
 *    dump_stack_lvl+0x44/0x5c
 *    …the frames of the path that called it…
 *    entry_SYSCALL_64_after_hwframe+0x6e/0xd8
 *   RIP: 0033:…, Code: …, RSP/RAX…R15: the task's user-space registers
 *    </TASK>
 *
 * Printed: every line that is the same from run to run on that kernel (the frames' offsets are
 * those of Debian's 6.1.0-56-amd64 build, test/fixtures/vm/golden/extended-init.txt). Not printed:
 * the stale `? name+off/size` frames the unwinder finds on the stack (they differ from run to run)
 * and the user-space registers (addresses under ASLR, the tool's own code bytes).
 */
import type { KernelState } from './kernelState';

/** The reference VM's DMI strings. */
export const HARDWARE_NAME = 'QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014';

/** The call trace of do_init_module's dump_stack, under finit_module (kmod's and busybox's insmod, modprobe). */
export const INIT_MODULE_FRAMES: readonly string[] = [
  'dump_stack_lvl+0x44/0x5c',
  'do_init_module.cold+0x21/0x26',
  '__do_sys_finit_module+0xac/0x120',
  'do_syscall_64+0x5d/0xb0',
];

const KERN_WARNING = 4;

/** dump_stack_print_info: CPU, PID, Comm, taint, release, the version's first word, Debian's package version. */
export function dumpStackHeader(kernel: KernelState): string {
  const { release, version } = kernel.config;
  const uts = / (#\d+) (?:.* )?(Debian \S+) \(/.exec(version);
  const build = uts ? `${uts[1]!}  ${uts[2]!}` : (/ (#\d+)/.exec(version)?.[1] ?? '#1');
  return `CPU: 0 PID: ${kernel.task.pid} Comm: ${kernel.task.comm} ${kernel.taintString()} ${release} ${build}`;
}

/** dump_stack() from a system call of the current task: the lines at KERN_WARNING (see above). */
export function dumpStack(kernel: KernelState, frames: readonly string[]): void {
  kernel.printk(KERN_WARNING, dumpStackHeader(kernel));
  kernel.printk(KERN_WARNING, `Hardware name: ${HARDWARE_NAME}`);
  kernel.printk(KERN_WARNING, 'Call Trace:');
  kernel.printk(KERN_WARNING, ' <TASK>');
  for (const frame of frames) kernel.printk(KERN_WARNING, ` ${frame}`);
  kernel.printk(KERN_WARNING, ' entry_SYSCALL_64_after_hwframe+0x6e/0xd8');
  kernel.printk(KERN_WARNING, ' </TASK>');
  kernel.note(
    "dump_stack(): the call trace's stale `?` frames and the task's user-space registers (RIP, Code, RSP…) are not printed",
  );
}
