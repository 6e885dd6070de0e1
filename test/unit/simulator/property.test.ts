import { strict as assert } from 'node:assert';
import { ScriptedEntryPointRunner, type ModuleScript } from '../../../server/src/kernel/simulator/entryPoints';
import { runDepmod } from '../../../server/src/kernel/simulator/depmod';
import type { ModuleState } from '../../../server/src/kernel/simulator/kernelState';
import { moduleGet, modulePut } from '../../../server/src/kernel/simulator/unloader';
import { ko, sh, testMachine } from './helpers';

/** mulberry32: a small seeded PRNG, so every failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What each fixture needs and does, for the reference model. */
/** needs: the module symbols each imports (same CRCs in every exporter); deps: its modules.dep line. */
const MODULES: Record<
  string,
  { needs: string[]; deps?: string[]; exit: boolean; initFails?: boolean; noInit?: boolean; exports?: string[] }
> = {
  hello: { needs: [], exit: true },
  provider: { needs: [], exit: true, exports: ['prov_add', 'prov_gpl_mul'] },
  consumer: { needs: ['prov_gpl_mul', 'prov_add'], deps: ['provider'], exit: true },
  propok: { needs: ['prov_add'], deps: ['provider'], exit: true },
  noexit: { needs: [], exit: false },
  noinit: { needs: [], exit: true, noInit: true },
  enodev: { needs: [], exit: true, initFails: true },
  params: { needs: [], exit: true },
  dupexport: { needs: [], exit: true, exports: ['prov_add'] },
};
const NAMES = Object.keys(MODULES);
type Observed = ModuleState | 'gone';
/** The module state machine: unformed → coming → live → going → gone; coming → gone when loading fails. */
const ALLOWED: Record<Observed, Observed[]> = {
  unformed: ['coming', 'gone'],
  coming: ['live', 'gone'],
  live: ['going'],
  going: ['gone'],
  gone: ['coming'],
};

interface Model {
  /** Most recently loaded first, like the kernel's list. */
  loaded: Map<string, { holders: Set<string>; refs: number }>;
}

/** Who would export each needed symbol (first in load order, most recent first), or undefined if one is missing. */
function exporters(model: Model, name: string): string[] | undefined {
  const owners: string[] = [];
  for (const symbol of MODULES[name]!.needs) {
    const owner = [...model.loaded.keys()].find((m) => (MODULES[m]!.exports ?? []).includes(symbol));
    if (owner === undefined) return undefined;
    if (!owners.includes(owner)) owners.push(owner);
  }
  return owners;
}

/** insmod in the model: whether it loads, and the references it takes. */
function modelInsert(model: Model, name: string): boolean {
  if (model.loaded.has(name)) return false;
  const owners = exporters(model, name);
  const spec = MODULES[name]!;
  const clash = (spec.exports ?? []).some((e) =>
    [...model.loaded.keys()].some((m) => (MODULES[m]!.exports ?? []).includes(e)),
  );
  if (owners === undefined || clash || spec.initFails) return false;
  for (const owner of owners) model.loaded.get(owner)!.holders.add(name);
  model.loaded = new Map([[name, { holders: new Set(), refs: 0 }], ...model.loaded]);
  return true;
}

describe('simulator: model-based property test (seeded random operation sequences)', function () {
  this.timeout(120_000);
  const SEQUENCES = 2000;
  const STEPS = 25;

  it(`${SEQUENCES} sequences of ${STEPS} operations: refcounts, holders, the state machine, taint, and a reference model agree`, () => {
    let operations = 0;
    let transitionsSeen = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const random = prng(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const transitions: string[] = [];
      const lastState = new Map<string, Observed>();
      const observe = (name: string, state: Observed) => {
        const before = lastState.get(name) ?? 'gone';
        if (before === state) return;
        // A module without init is never seen while coming: no code of its own runs then.
        if (before === 'gone' && state === 'live' && MODULES[name]?.noInit === true) observe(name, 'coming');
        // Nor one without exit while going (rmmod -f).
        else if (before === 'live' && state === 'gone' && MODULES[name]?.exit === false) observe(name, 'going');
        else assert.ok(ALLOWED[before].includes(state), `seed ${seed}: ${name} ${before} → ${state}`);
        lastState.set(name, state);
        transitions.push(`${name}:${state}`);
      };
      const scripts: Record<string, ModuleScript> = {};
      for (const name of NAMES) {
        scripts[name] = {
          init: {
            run: (ctx) => {
              observe(name, machine.kernel.find(ctx.module.name)!.state);
              return { returnValue: MODULES[name]!.initFails ? -19 : 0 };
            },
          },
          exit: { run: (ctx) => (observe(name, machine.kernel.find(ctx.module.name)!.state), {}) },
        };
      }
      const machine = testMachine({ runner: new ScriptedEntryPointRunner(scripts) });
      // dupexport is not installed: depmod would make consumer depend on it for prov_add.
      for (const name of NAMES.filter((n) => n !== 'dupexport'))
        machine.writeFile(`/lib/modules/6.1.0-56-amd64/extra/${name}.ko`, { kind: 'bytes', bytes: ko(name) });
      runDepmod(machine);
      const model: Model = { loaded: new Map() };
      let taint = 0;
      for (let step = 0; step < STEPS; step++) {
        operations++;
        const name = pick(NAMES);
        const spec = MODULES[name]!;
        const ops = [
          'insmod',
          'insmod',
          'rmmod',
          'rmmod -f',
          'modprobe',
          'modprobe -r',
          'get',
          'put',
          'param',
        ] as const;
        const op = name === 'dupexport' ? pick(ops.filter((o) => !o.startsWith('modprobe'))) : pick(ops);
        const where = `seed ${seed} step ${step}: ${op} ${name}`;
        const m = model.loaded.get(name);
        if (op === 'insmod') {
          const ok = modelInsert(model, name);
          const result = sh(machine, `insmod /mods/${name}.ko`);
          assert.equal(result.exit, ok ? 0 : 1, `${where}: ${result.stderr}`);
        } else if (op === 'modprobe') {
          // modprobe (kmod_module_probe_insert_module): nothing to do when the module is loaded already
          // (its dependencies are not looked at); else the modules.dep line first (those not loaded yet), then the module.
          let wanted = true;
          if (!model.loaded.has(name)) {
            for (const dep of spec.deps ?? []) if (!model.loaded.has(dep)) wanted = wanted && modelInsert(model, dep);
            wanted = wanted && modelInsert(model, name);
          }
          const result = sh(machine, `modprobe ${name}`);
          assert.equal(result.exit, wanted ? 0 : 1, `${where}: ${result.stderr}`);
        } else if (op === 'rmmod' || op === 'rmmod -f') {
          const force = op === 'rmmod -f';
          const ok = m !== undefined && m.holders.size === 0 && (m.refs === 0 || force) && (spec.exit || force);
          const result = sh(machine, `${op} ${name}`);
          assert.equal(result.exit, ok ? 0 : 1, `${where}: ${result.stderr}`);
          if (ok) removeFromModel(model, name);
        } else if (op === 'modprobe -r') {
          const ok = m === undefined || (m.holders.size === 0 && m.refs === 0 && spec.exit);
          const result = sh(machine, `modprobe -r ${name}`);
          assert.equal(result.exit, ok ? 0 : 1, `${where}: ${result.stderr}`);
          if (ok && m !== undefined) {
            removeFromModel(model, name);
            for (const dep of spec.deps ?? []) {
              const d = model.loaded.get(dep);
              if (d && d.holders.size === 0 && d.refs === 0) removeFromModel(model, dep);
            }
          }
        } else if (op === 'get') {
          assert.equal(moduleGet(machine.kernel, name), m !== undefined, where);
          if (m) m.refs++;
        } else if (op === 'put') {
          const expected = m !== undefined && m.refs > 0;
          assert.equal(modulePut(machine.kernel, name), expected, where);
          if (expected) m.refs--;
        } else {
          const result = sh(
            machine,
            `echo ${pick(['3', '-1', 'x', '0x10', '99999999999'])} > /sys/module/params/parameters/count`,
          );
          assert.equal(result.exit === 0 || result.exit === 1, true, where);
        }
        // Invariants.
        const kernel = machine.kernel;
        for (const n of NAMES) observe(n, kernel.find(n)?.state ?? 'gone');
        const names = kernel.modules.map((x) => x.module.name);
        assert.equal(new Set(names).size, names.length, `${where}: a name twice`);
        assert.deepEqual([...names].sort(), [...model.loaded.keys()].sort(), `${where}: loaded set`);
        for (const x of kernel.modules) {
          assert.equal(x.state, 'live', `${where}: ${x.module.name} left ${x.state}`);
          assert.equal(x.refcount, x.holders.length + x.externalRefs, `${where}: ${x.module.name} refcount`);
          assert.deepEqual(
            [...x.holders].sort(),
            [...model.loaded.get(x.module.name)!.holders].sort(),
            `${where}: holders`,
          );
          for (const h of x.holders) assert.ok(kernel.find(h)?.uses.includes(x.module.name), `${where}: holder link`);
          for (const u of x.uses)
            assert.ok(kernel.find(u)?.holders.includes(x.module.name), `${where}: used module gone`);
        }
        const proc = sh(machine, 'cat /proc/modules')
          .stdout.split('\n')
          .filter((l) => l !== '');
        assert.equal(proc.length, kernel.modules.length, where);
        for (const line of proc) {
          const [mod, , refcnt] = line.split(' ');
          assert.equal(Number(refcnt), kernel.find(mod!)!.refcount, `${where}: /proc/modules refcount`);
        }
        const now = kernel.taintValue();
        assert.equal(now & taint, taint, `${where}: taint went down`);
        taint = now;
      }
      transitionsSeen += transitions.length;
    }
    assert.equal(operations, SEQUENCES * STEPS);
    assert.ok(transitionsSeen > SEQUENCES * 5, `${transitionsSeen} state transitions observed`);
  });
});

function removeFromModel(model: Model, name: string): void {
  model.loaded.delete(name);
  for (const other of model.loaded.values()) other.holders.delete(name);
}
