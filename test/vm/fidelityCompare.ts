// Line-by-line comparison of a real-kernel transcript with the simulator's, for the fidelity suite
// (test/vm/fidelity.test.ts) and the simulator's tests against the recorded goldens
// (test/unit/simulator/realGoldens.test.ts). Both sides are normalised alike (log timestamps and
// module addresses masked); then each command's block is compared, line by line (longest common
// subsequence). Lines that cannot match are excused only by a named known difference with its
// reason; anything else is an unexplained difference.

/** Why some lines of a real transcript cannot match the simulator's. */
export interface KnownDifference {
  readonly id: string;
  readonly why: string;
  /** Lines (of either side, normalised) this difference accounts for, wherever they are. */
  readonly lines?: RegExp;
  /** Only on this side. */
  readonly side?: 'real' | 'sim';
  /** Whole blocks (matched on their `$ command` line) whose differing lines this accounts for. */
  readonly blocks?: RegExp;
  /** Only these occurrences (1 = the first block in the scenario with that `$ command` line). */
  readonly nth?: readonly number[];
  /** Only in these scenarios (file names); every scenario when absent. */
  readonly scenarios?: readonly string[];
}

/** Differences every scenario may show, with their reasons. */
export const COMMON_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'boot-modules',
    why: 'the guest loads 8 in-tree virtio/failover modules at boot for its network; the simulator boots with none',
    lines: /\b(virtio\w*|net_failover|failover)\b/,
  },
  {
    id: 'dump-stack',
    why:
      "dump_stack() (init returned a positive value): the stale '? name+off/size' frames the unwinder finds on the " +
      "stack and the task's user-space registers (RIP, Code, RSP…R15: addresses under ASLR) differ from run to run, " +
      'two fresh boots of the same kernel disagree on them; the simulator prints the stable lines only',
    side: 'real',
    lines: /^<4>\[T\] (RIP: |Code: |RSP: |RAX: |RDX: |RBP: |R\d+: | \? \S+\+0x[0-9a-f]+\/0x[0-9a-f]+$)/,
  },
  {
    id: 'module-printk',
    why: "a module's own printk lines: the simulator runs no C code until the interpreter lands (scenarios may say them with #sim lines)",
    side: 'real',
    lines:
      /^<\d>\[T\] (?!.*(?:taints kernel\.|module verification failed|Disabling lock debugging|Unknown symbol|no symbol version|disagrees about version|version magic|invalid for parameter|too large for parameter|unknown parameter|can only take|string doesn't fit|Invalid ELF|No module found|exports duplicate symbol|but does not import it|suspiciously returned|loading module anyway))/,
  },
  {
    id: 'devices',
    why:
      'files of devices and drivers that init code creates (/dev/chardev, /sys/class/chardev, platform drivers): the ' +
      'simulator keeps the device numbers init registers (/proc/devices) but makes no device files, classes or drivers',
    blocks: /^\$ (ls \/sys\/class\/chardev|cat \/dev\/chardev|ls \/sys\/bus\/platform)/,
  },
];

/**
 * Masks what changes from boot to boot: log timestamps, module addresses (/proc/modules, kallsyms),
 * the PID in dump_stack's `CPU: 0 PID: 129 Comm: insmod …` (how many processes ran before).
 */
export function normalizeLine(line: string): string {
  return line
    .replace(/^<(\d)>\[ *\d+\.\d+\]/, '<$1>[T]')
    .replace(/^(<\d>\[T\] CPU: \d+ PID: )\d+ /, '$1PID ')
    .replace(/0x[0-9a-f]{16}\b/g, '0xADDR')
    .replace(/^[0-9a-f]{16} /, 'ADDR ');
}

interface Block {
  readonly head: string;
  readonly lines: string[];
}

/** Blocks: a `$ command` line with what follows, or a comment/blank line alone. */
function blocks(transcript: string): Block[] {
  const out: Block[] = [];
  for (const raw of transcript.replace(/\n$/, '').split('\n')) {
    const line = normalizeLine(raw);
    if (line.startsWith('$ ') || out.length === 0 || !out[out.length - 1]!.head.startsWith('$ ')) {
      out.push({ head: line, lines: [line] });
    } else {
      out[out.length - 1]!.lines.push(line);
    }
  }
  return out;
}

/** Which lines of a and of b are in a longest common subsequence. */
function lcs(a: readonly string[], b: readonly string[]): { inA: boolean[]; inB: boolean[]; equal: number } {
  const n = a.length;
  const m = b.length;
  const t: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
    }
  }
  const inA = new Array<boolean>(n).fill(false);
  const inB = new Array<boolean>(m).fill(false);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      inA[i++] = true;
      inB[j++] = true;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  }
  return { inA, inB, equal: t[0]![0]! };
}

const HEADER = /^--- (stdout|stderr):$/;

/**
 * The known difference of each line the other side lacks (undefined: unexplained). A `--- stdout:`
 * header left with only excused lines under it goes with them.
 */
function classify(
  lines: readonly string[],
  matched: readonly boolean[],
  side: 'real' | 'sim',
  rules: readonly KnownDifference[],
): (string | undefined)[] {
  const ids = lines.map((line, i) =>
    matched[i]
      ? undefined
      : rules.find((d) => d.lines !== undefined && (d.side === undefined || d.side === side) && d.lines.test(line))?.id,
  );
  for (let i = 0; i < lines.length; i++) {
    if (matched[i] || !HEADER.test(lines[i]!)) continue;
    let k = i + 1;
    let id: string | undefined;
    let all = true;
    for (; k < lines.length && !HEADER.test(lines[k]!) && !lines[k]!.startsWith('[exit='); k++) {
      if (matched[k] || ids[k] === undefined) all = false;
      else id ??= ids[k];
    }
    if (all && id !== undefined) ids[i] = id;
  }
  return ids;
}

export interface Unexplained {
  readonly block: string;
  readonly real: readonly string[];
  readonly sim: readonly string[];
}

export interface Comparison {
  readonly scenario: string;
  /** Lines of the real transcript compared (after excused lines are set aside). */
  readonly compared: number;
  /** Of those, the lines the simulator printed identically, in the same place. */
  readonly equal: number;
  /** The same, counting only what commands printed and their exit lines (not `$ command` lines or comments). */
  readonly outputCompared: number;
  readonly outputEqual: number;
  /** Lines (real and simulated) set aside, by known difference. */
  readonly excused: ReadonlyMap<string, number>;
  readonly unexplained: readonly Unexplained[];
}

export function compareTranscripts(
  scenario: string,
  real: string,
  sim: string,
  known: readonly KnownDifference[] = COMMON_DIFFERENCES,
): Comparison {
  const applicable = known.filter((k) => k.scenarios === undefined || k.scenarios.includes(scenario));
  const realBlocks = blocks(real);
  const simBlocks = blocks(sim);
  const excused = new Map<string, number>();
  const excuse = (id: string, n = 1) => excused.set(id, (excused.get(id) ?? 0) + n);
  const unexplained: Unexplained[] = [];
  let compared = 0;
  let equal = 0;
  let outputCompared = 0;
  let outputEqual = 0;
  if (realBlocks.length !== simBlocks.length) {
    unexplained.push({ block: `(${realBlocks.length} blocks real, ${simBlocks.length} simulated)`, real: [], sim: [] });
  }
  const count = Math.min(realBlocks.length, simBlocks.length);
  const seen = new Map<string, number>();
  for (let b = 0; b < count; b++) {
    const r = realBlocks[b]!;
    const s = simBlocks[b]!;
    const occurrence = (seen.get(r.head) ?? 0) + 1;
    seen.set(r.head, occurrence);
    const diff = lcs(r.lines, s.lines);
    const blockRule = applicable.find(
      (d) => d.blocks !== undefined && d.blocks.test(r.head) && (d.nth === undefined || d.nth.includes(occurrence)),
    );
    const differs = diff.inA.includes(false) || diff.inB.includes(false);
    if (blockRule !== undefined && differs) {
      // The whole block is set aside: none of its lines count as compared.
      excuse(blockRule.id, r.lines.length + s.lines.length);
      continue;
    }
    const lineRules = applicable.filter((d) => d.blocks === undefined);
    const realIds = classify(r.lines, diff.inA, 'real', lineRules);
    const simIds = classify(s.lines, diff.inB, 'sim', lineRules);
    const onlyReal: string[] = [];
    const onlySim: string[] = [];
    let blockCompared = 0;
    r.lines.forEach((line, i) => {
      if (realIds[i] !== undefined) excuse(realIds[i]);
      else {
        blockCompared++;
        if (!diff.inA[i]) onlyReal.push(line);
      }
    });
    s.lines.forEach((line, i) => {
      if (simIds[i] !== undefined) excuse(simIds[i]);
      else if (!diff.inB[i]) onlySim.push(line);
    });
    compared += blockCompared;
    equal += diff.equal;
    if (r.head.startsWith('$ ')) {
      outputCompared += blockCompared - 1;
      outputEqual += diff.equal - (diff.inA[0] ? 1 : 0);
    }
    if (onlyReal.length > 0 || onlySim.length > 0) {
      unexplained.push({
        block: occurrence > 1 ? `${r.head}  (#${occurrence})` : r.head,
        real: onlyReal,
        sim: onlySim,
      });
    }
  }
  return { scenario, compared, equal, outputCompared, outputEqual, excused, unexplained };
}

/** `samples.scenario: 812/812 lines equal (excused: boot-modules 96, module-printk 40)`. */
export function describeComparison(c: Comparison): string {
  const excused = [...c.excused].map(([id, n]) => `${id} ${n}`).join(', ');
  return `${c.scenario}: ${c.equal}/${c.compared} lines equal (output lines ${c.outputEqual}/${c.outputCompared})${excused ? ` (set aside: ${excused})` : ''}${
    c.unexplained.length > 0 ? `; ${c.unexplained.length} blocks differ unexplained` : ''
  }`;
}

export function describeUnexplained(c: Comparison): string {
  return c.unexplained
    .map(
      (u) =>
        `${u.block}\n${u.real.map((l) => `  real: ${l}`).join('\n')}\n${u.sim.map((l) => `  sim:  ${l}`).join('\n')}`,
    )
    .join('\n');
}
