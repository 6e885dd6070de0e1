import { strict as assert } from 'node:assert';
import { type KbuildFile, includeDirsOf, parseKbuild } from '../../server/src/kernel/kbuild/kbuildFile';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';

/** Modules as `objectName: [member, member?CONFIG_X]`, config on the name as `name?CONFIG_X`. */
function modules(file: KbuildFile): Record<string, string[]> {
  return Object.fromEntries(
    file.modules.map((m) => [
      m.config !== undefined ? `${m.objectName}?${m.config}` : m.objectName,
      m.members.map((x) => (x.config !== undefined ? `${x.object}?${x.config}` : x.object)),
    ]),
  );
}

const config = (text: string) => parseKernelConfig(text);

describe('parseKbuild: object goals', () => {
  it('reads obj-m as modules and obj-y as built-in objects', () => {
    const file = parseKbuild('obj-m += a.o b.o\nobj-y += x.o\nobj-y += y.o\n');
    assert.deepEqual(modules(file), { a: ['a.o'], b: ['b.o'] });
    assert.deepEqual(file.builtinObjects, ['x.o', 'y.o']);
    assert.deepEqual(file.builtinMembers, ['x.o', 'y.o']);
    assert.deepEqual(file.subdirs, []);
  });

  it('makes obj-$(CONFIG_FOO) a candidate without a config, and follows the config with one', () => {
    const text = 'obj-$(CONFIG_FOO) += foo.o\nobj-${CONFIG_BAR} += bar.o\n';
    assert.deepEqual(modules(parseKbuild(text)), { 'foo?CONFIG_FOO': ['foo.o'], 'bar?CONFIG_BAR': ['bar.o'] });

    const asModule = parseKbuild(text, config('CONFIG_FOO=m\nCONFIG_BAR=m\n'));
    assert.deepEqual(modules(asModule), { 'foo?CONFIG_FOO': ['foo.o'], 'bar?CONFIG_BAR': ['bar.o'] });

    const mixed = parseKbuild(text, config('CONFIG_FOO=y\n# CONFIG_BAR is not set\n'));
    assert.deepEqual(modules(mixed), {});
    assert.deepEqual(mixed.builtinObjects, ['foo.o']);
  });

  it('lists directories from obj-y, obj-m, obj-$(CONFIG_X) and subdir-y', () => {
    const text = [
      'obj-y += core/',
      'obj-$(CONFIG_BAR) += bar/',
      'obj-m += modsub/',
      'subdir-y += tools',
      'obj-$(CONFIG_OFF) += off/',
    ].join('\n');
    assert.deepEqual(parseKbuild(text).subdirs, [
      { path: 'core' },
      { path: 'bar', config: 'CONFIG_BAR' },
      { path: 'modsub' },
      { path: 'tools' },
      { path: 'off', config: 'CONFIG_OFF' },
    ]);
    const configured = parseKbuild(text, config('CONFIG_BAR=m\n'));
    assert.deepEqual(configured.subdirs, [
      { path: 'core' },
      { path: 'bar', config: 'CONFIG_BAR' },
      { path: 'modsub' },
      { path: 'tools' },
    ]);
    assert.deepEqual(configured.modules, []);
  });

  it('keeps the object name and makes KBUILD_MODNAME with _ for - and ,', () => {
    const file = parseKbuild('obj-m += usb-storage.o odd,name.o\nobj-m += sub/deep-mod.o\n');
    assert.deepEqual(
      file.modules.map((m) => [m.objectName, m.moduleName]),
      [
        ['usb-storage', 'usb_storage'],
        ['odd,name', 'odd_name'],
        ['sub/deep-mod', 'deep_mod'],
      ],
    );
    assert.deepEqual(file.modules[2]!.members, [{ object: 'sub/deep-mod.o' }]);
  });

  it('gives each module the 1-based line that first names it', () => {
    const file = parseKbuild('# comment\n\nobj-m += a.o \\\n  b.o\nobj-$(CONFIG_C) += c.o\nobj-m += a.o\n');
    assert.deepEqual(
      file.modules.map((m) => [m.objectName, m.line]),
      [
        ['a', 3],
        ['b', 3],
        ['c', 5],
      ],
    );
  });

  it('does not make a module of an object that obj-y builds in', () => {
    const file = parseKbuild('obj-y += both.o\nobj-m += both.o only.o\n');
    assert.deepEqual(modules(file), { only: ['only.o'] });
    assert.deepEqual(file.builtinObjects, ['both.o']);
  });

  it('merges an object named under several symbols, unconditional when any mention is', () => {
    const file = parseKbuild(
      'obj-$(CONFIG_A) += shared.o\nobj-$(CONFIG_B) += shared.o\nobj-$(CONFIG_C) += c.o\nobj-m += c.o\n',
    );
    assert.deepEqual(modules(file), { 'shared?CONFIG_A': ['shared.o'], c: ['c.o'] });
  });
});

describe('parseKbuild: composite modules', () => {
  it('collects -y, -objs, -m and conditional members, in kbuild order', () => {
    const text = [
      'obj-m += foo.o',
      'foo-y := main.o helper.o sub/extra.o',
      'foo-$(CONFIG_BAR) += c.o',
      'foo-objs := first.o',
      'foo-m += modonly.o',
      'foo-y += main.o',
    ].join('\n');
    assert.deepEqual(modules(parseKbuild(text)), {
      foo: ['first.o', 'main.o', 'helper.o', 'sub/extra.o', 'modonly.o', 'c.o?CONFIG_BAR'],
    });
    assert.deepEqual(modules(parseKbuild(text, config('CONFIG_BAR=y\n'))), {
      foo: ['first.o', 'main.o', 'helper.o', 'sub/extra.o', 'c.o?CONFIG_BAR', 'modonly.o'],
    });
    // foo-$(CONFIG_BAR) is foo-m here, assigned before `foo-m += modonly.o`.
    assert.deepEqual(modules(parseKbuild(text, config('CONFIG_BAR=m\n'))), {
      foo: ['first.o', 'main.o', 'helper.o', 'sub/extra.o', 'c.o?CONFIG_BAR', 'modonly.o'],
    });
    assert.deepEqual(modules(parseKbuild(text, config('# CONFIG_BAR is not set\n'))), {
      foo: ['first.o', 'main.o', 'helper.o', 'sub/extra.o', 'modonly.o'],
    });
  });

  it('makes a composite of foo-$(CONFIG_X) alone, empty when X is unset (as kbuild does)', () => {
    const text = 'obj-m += foo.o\nfoo-$(CONFIG_X) += part.o\n';
    assert.deepEqual(modules(parseKbuild(text)), { foo: ['part.o?CONFIG_X'] });
    assert.deepEqual(modules(parseKbuild(text, config(''))), { foo: [] });
  });

  it('lists the parts of built-in composites, but not their -m parts', () => {
    const file = parseKbuild('obj-y += big.o small.o\nbig-y := b1.o b2.o\nbig-m := bm.o\n');
    assert.deepEqual(file.builtinObjects, ['big.o', 'small.o']);
    assert.deepEqual(file.builtinMembers, ['b1.o', 'b2.o', 'small.o']);
  });

  it('expands foo-y := $(foo-objs) and other earlier variables', () => {
    const text = [
      'obj-m += foo.o bar.o',
      'foo-objs := a.o b.o',
      'foo-y := $(foo-objs) c.o',
      'COMMON = shared.o',
      'bar-y := ${COMMON} $(COMMON:.o=_extra.o)',
    ].join('\n');
    assert.deepEqual(modules(parseKbuild(text)), {
      foo: ['a.o', 'b.o', 'c.o'],
      bar: ['shared.o', 'shared_extra.o'],
    });
  });

  it('expands recursive variables late and simple ones at once', () => {
    const text = ['obj-m += late.o early.o', 'late-y = $(PARTS)', 'early-y := $(PARTS)', 'PARTS := p1.o p2.o'].join(
      '\n',
    );
    assert.deepEqual(modules(parseKbuild(text)), { late: ['p1.o', 'p2.o'], early: [] });
  });

  it('ignores unknown variables in object lists and leaves them unexpanded', () => {
    const text = 'obj-m += foo.o $(UNKNOWN_OBJS)\nfoo-y := a.o $(UNKNOWN) $(call weird, b.o c.o) d.o\n';
    assert.deepEqual(modules(parseKbuild(text)), { foo: ['a.o', 'd.o'] });
  });

  it('over-approximates intermediate lists such as proc-$(CONFIG_PROC_FS) used as $(proc-y)', () => {
    const text = [
      'obj-$(CONFIG_BONDING) += bonding.o',
      'bonding-objs := bond_main.o',
      'proc-$(CONFIG_PROC_FS) += bond_procfs.o',
      'bonding-objs += $(proc-y)',
      'more-$(CONFIG_EXTRA) := extra.o',
      'obj-$(CONFIG_BONDING) += $(more-y)',
    ].join('\n');
    assert.deepEqual(modules(parseKbuild(text)), {
      'bonding?CONFIG_BONDING': ['bond_main.o', 'bond_procfs.o'],
      'extra?CONFIG_BONDING': ['extra.o'],
    });
    assert.deepEqual(modules(parseKbuild(text, config('CONFIG_BONDING=m\n'))), {
      'bonding?CONFIG_BONDING': ['bond_main.o'],
    });
    assert.deepEqual(modules(parseKbuild(text, config('CONFIG_BONDING=m\nCONFIG_PROC_FS=y\nCONFIG_EXTRA=y\n'))), {
      'bonding?CONFIG_BONDING': ['bond_main.o', 'bond_procfs.o'],
      'extra?CONFIG_BONDING': ['extra.o'],
    });
  });

  it('evaluates the text functions kernel Makefiles use in object lists', () => {
    const text = [
      'obj-m += fn.o',
      'SRCS := x.c y.c z.c',
      'fn-y := $(addprefix lib/, a.o b.o)',
      'fn-y += $(patsubst %.c,%.o,$(filter-out z.c,$(SRCS)))',
      'fn-y += $(subst .S,.o,entry.S) $(addsuffix .o,g h)',
      'fn-y += $(foreach n,1 2,part$(n).o) $(if $(SRCS),nonempty.o,empty.o) $(strip  s.o  )',
      'fn-y += $(sort q.o p.o q.o) $(firstword f1.o f2.o) $(notdir dir/nd.o) $(basename bn.c).o',
      'define HELPER',
      'helper_$(1).o',
      'endef',
      'fn-y += $(call HELPER,one)',
    ].join('\n');
    assert.deepEqual(modules(parseKbuild(text)).fn, [
      'lib/a.o',
      'lib/b.o',
      'x.o',
      'y.o',
      'entry.o',
      'g.o',
      'h.o',
      'part1.o',
      'part2.o',
      'nonempty.o',
      's.o',
      'p.o',
      'q.o',
      'f1.o',
      'nd.o',
      'bn.o',
      'helper_one.o',
    ]);
  });

  it('takes both branches of $(if) on an undecided symbol', () => {
    const text = 'obj-m += m.o\nm-y := $(if $(CONFIG_X),with.o,without.o)\n';
    assert.deepEqual(modules(parseKbuild(text)).m, ['with.o', 'without.o']);
    assert.deepEqual(modules(parseKbuild(text, config('CONFIG_X=y\n'))).m, ['with.o']);
    assert.deepEqual(modules(parseKbuild(text, config(''))).m, ['without.o']);
  });

  it('honours CONFIG_ symbols the file sets itself, as out-of-tree Makefiles do', () => {
    const text =
      'CONFIG_MYDRV ?= m\nexport CONFIG_MYDRV_TRACE := y\nobj-$(CONFIG_MYDRV) += mydrv.o\nmydrv-$(CONFIG_MYDRV_TRACE) += trace.o\nmydrv-y += core.o\n';
    assert.deepEqual(modules(parseKbuild(text)), { 'mydrv?CONFIG_MYDRV': ['trace.o?CONFIG_MYDRV_TRACE', 'core.o'] });
    // The .config wins over ?=, := wins over the .config.
    const fromConfig = parseKbuild(text, config('CONFIG_MYDRV=y\n# CONFIG_MYDRV_TRACE is not set\n'));
    assert.deepEqual(modules(fromConfig), {});
    assert.deepEqual(fromConfig.builtinObjects, ['mydrv.o']);
    assert.deepEqual(fromConfig.builtinMembers, ['trace.o', 'core.o']);
  });
});

describe('parseKbuild: makefile syntax', () => {
  it('joins continuation lines and drops comments, keeping \\# as #', () => {
    const text = 'obj-m += a.o \\\n\tb.o \\\n    c.o # d.o\n# obj-m += e.o \\\n  obj-m += f.o\nobj-m += g\\#h.o\n';
    assert.deepEqual(Object.keys(modules(parseKbuild(text))), ['a', 'b', 'c', 'g#h']);
  });

  it('knows =, :=, ::=, +=, ?= and != (without running the shell)', () => {
    const text = [
      'obj-m := first.o',
      'obj-m := second.o',
      'obj-m += third.o',
      'obj-m ?= ignored.o',
      'LIST ::= l.o',
      'obj-m += $(LIST)',
      'DEFAULTED ?= d.o',
      'obj-m += $(DEFAULTED)',
      'FROM_SHELL != ls *.o',
      'obj-m += $(FROM_SHELL) last.o',
    ].join('\n');
    assert.deepEqual(Object.keys(modules(parseKbuild(text))), ['second', 'third', 'l', 'd', 'last']);
  });

  it('skips rules, recipes, define blocks and include directives', () => {
    const text = [
      'obj-m += real.o',
      '$(obj)/gen.h: $(src)/gen.sh FORCE',
      '\tobj-m += recipe.o',
      '\t$(call cmd,gen)',
      'target.o: CFLAGS += -DX',
      'define BLOCK',
      'obj-m += in-define.o',
      'endef',
      'include $(srctree)/scripts/Makefile.extra',
      '-include optional.mk',
      'vpath %.c src',
      '\tobj-m += tabbed.o',
    ].join('\n');
    const file = parseKbuild(text);
    assert.deepEqual(Object.keys(modules(file)), ['real', 'tabbed']);
    assert.deepEqual(file.includes, [
      { path: '$(srctree)/scripts/Makefile.extra', line: 9, read: false },
      { path: 'optional.mk', line: 10, read: false },
    ]);
  });

  it('reads included files through readInclude, with srctree and src set', () => {
    const included = new Map([['/tree/drivers/x/common.mk', 'x-y := from_include.o\nSHARED := s.o\n']]);
    const file = parseKbuild('include $(srctree)/$(src)/common.mk\nobj-m += x.o\nx-y += $(SHARED)\n', undefined, {
      variables: { srctree: '/tree', src: 'drivers/x' },
      readInclude: (p) => included.get(p),
    });
    assert.deepEqual(modules(file), { x: ['from_include.o', 's.o'] });
    assert.deepEqual(file.includes, [{ path: '/tree/drivers/x/common.mk', line: 1, read: true }]);
  });
});

describe('parseKbuild: conditionals', () => {
  const text = [
    'obj-m += m.o',
    'ifdef CONFIG_A',
    'm-y += a.o',
    'else',
    'm-y += not_a.o',
    'endif',
    'ifeq ($(CONFIG_B),y)',
    'm-y += b_builtin.o',
    'else ifeq ($(CONFIG_B),m)',
    'm-y += b_module.o',
    'else',
    'm-y += b_off.o',
    'endif',
    'ifneq ($(CONFIG_C),)',
    '  ifndef CONFIG_D',
    '    m-y += c_not_d.o',
    '  endif',
    'endif',
    'ifeq "$(CONFIG_E)" "y"',
    'm-y += e.o',
    'endif',
    "ifneq '$(CONFIG_E)' 'y'",
    'm-y += not_e.o',
    'endif',
    'ifneq ($(KERNELRELEASE),)',
    'm-y += kbuild_side.o',
    'endif',
    'ifeq ($(filter y m,$(CONFIG_F)),)',
    'm-y += no_f.o',
    'endif',
  ].join('\n');

  it('takes every branch without a config (over-approximation), tagged with the symbol tested', () => {
    assert.deepEqual(modules(parseKbuild(text)).m, [
      'a.o?CONFIG_A',
      'not_a.o?CONFIG_A',
      'b_builtin.o?CONFIG_B',
      'b_module.o?CONFIG_B',
      'b_off.o?CONFIG_B',
      'c_not_d.o?CONFIG_D',
      'e.o?CONFIG_E',
      'not_e.o?CONFIG_E',
      'kbuild_side.o',
      'no_f.o?CONFIG_F',
    ]);
  });

  it('decides the branches a config decides, and takes all the others', () => {
    const withConfig = parseKbuild(text, config('CONFIG_A=y\nCONFIG_B=m\nCONFIG_C=m\nCONFIG_E=y\nCONFIG_F=m\n'));
    // KERNELRELEASE is no CONFIG_ symbol and not set in the file: undecided, so read.
    assert.deepEqual(modules(withConfig).m, [
      'a.o?CONFIG_A',
      'b_module.o?CONFIG_B',
      'c_not_d.o?CONFIG_D',
      'e.o?CONFIG_E',
      'kbuild_side.o',
    ]);
    const other = parseKbuild(text, config('# CONFIG_A is not set\nCONFIG_B=y\nCONFIG_D=y\nCONFIG_C=y\n'));
    assert.deepEqual(modules(other).m, [
      'not_a.o?CONFIG_A',
      'b_builtin.o?CONFIG_B',
      'not_e.o?CONFIG_E',
      'kbuild_side.o',
      'no_f.o?CONFIG_F',
    ]);
  });

  it('keeps the assignments of every undecided branch, even :=', () => {
    const choice = 'obj-m += m.o\nifdef CONFIG_NEW\nm-y := new.o\nelse\nm-y := old.o\nendif\n';
    assert.deepEqual(modules(parseKbuild(choice)).m, ['new.o?CONFIG_NEW', 'old.o?CONFIG_NEW']);
    assert.deepEqual(modules(parseKbuild(choice, config('CONFIG_NEW=y\n'))).m, ['new.o?CONFIG_NEW']);
    assert.deepEqual(modules(parseKbuild(choice, config(''))).m, ['old.o?CONFIG_NEW']);
  });

  it('evaluates conditions on the file’s own variables when a config is given', () => {
    const own = 'MODE := fast\nobj-m += m.o\nifeq ($(MODE),fast)\nm-y += fast.o\nelse\nm-y += slow.o\nendif\n';
    assert.deepEqual(modules(parseKbuild(own, config(''))).m, ['fast.o']);
    assert.deepEqual(modules(parseKbuild(own)).m, ['fast.o', 'slow.o']);
  });

  it('survives unbalanced directives', () => {
    const file = parseKbuild('endif\nelse\nobj-m += a.o\nifdef X\nobj-m += b.o\n');
    assert.deepEqual(Object.keys(modules(file)), ['a', 'b']);
  });
});

describe('parseKernelConfig', () => {
  const file = parseKernelConfig(
    [
      '#',
      '# Automatically generated file; DO NOT EDIT.',
      '#',
      'CONFIG_Y=y',
      'CONFIG_M=m\r',
      '# CONFIG_OFF is not set',
      'CONFIG_STR="a \\"quoted\\" \\\\ value"',
      'CONFIG_NUM=64',
      'CONFIG_HEX=0x1000000',
      'CONFIG_TWICE=y',
      'CONFIG_TWICE=m',
      'CONFIG_UNSET_LATER=y',
      '# CONFIG_UNSET_LATER is not set',
      'garbage line',
    ].join('\n'),
  );

  it('reads values as make sees them', () => {
    assert.equal(file.value('CONFIG_Y'), 'y');
    assert.equal(file.value('CONFIG_M'), 'm');
    assert.equal(file.value('CONFIG_OFF'), undefined);
    assert.equal(file.value('CONFIG_STR'), '"a \\"quoted\\" \\\\ value"');
    assert.equal(file.value('CONFIG_NUM'), '64');
    assert.equal(file.value('CONFIG_HEX'), '0x1000000');
    assert.equal(file.value('CONFIG_TWICE'), 'm');
    assert.equal(file.value('CONFIG_UNSET_LATER'), undefined);
    assert.equal(file.value('CONFIG_NEVER'), undefined);
    assert.equal(file.value('M'), 'm');
  });

  it('gives tristates, strings and the symbols listed as not set', () => {
    assert.equal(file.tristate('CONFIG_Y'), 'y');
    assert.equal(file.tristate('CONFIG_M'), 'm');
    assert.equal(file.tristate('CONFIG_OFF'), 'n');
    assert.equal(file.string('CONFIG_STR'), 'a "quoted" \\ value');
    assert.equal(file.string('CONFIG_NUM'), undefined);
    assert.deepEqual([...file.notSet].sort(), ['CONFIG_OFF', 'CONFIG_UNSET_LATER']);
    assert.equal(file.entries.size, 6);
  });

  it('lets a string symbol be compared in ifeq with its quotes', () => {
    const kbuild = 'obj-m += m.o\nm-y := m_main.o\nifeq ($(CONFIG_STR),"abc")\nm-y += abc.o\nendif\n';
    assert.deepEqual(modules(parseKbuild(kbuild, parseKernelConfig('CONFIG_STR="abc"\n'))).m, [
      'm_main.o',
      'abc.o?CONFIG_STR',
    ]);
    assert.deepEqual(modules(parseKbuild(kbuild, parseKernelConfig('CONFIG_STR="xyz"\n'))).m, ['m_main.o']);
  });
});

describe('compiler include directories of a Kbuild file', () => {
  it('reads -I from ccflags-y, ccflags-$(CONFIG_X), subdir-ccflags-y and EXTRA_CFLAGS, with srctree and src expanded', () => {
    const file = parseKbuild(
      [
        'obj-m += demo.o',
        'ccflags-y += -I $(srctree)/drivers/media/dvb-frontends -I$(src)/include',
        'ccflags-$(CONFIG_DEMO_EXTRA) += -Idrivers/extra',
        'subdir-ccflags-y := -DDEBUG -I$(srctree)/include/demo',
        'EXTRA_CFLAGS += -Wall -I /opt/demo',
      ].join('\n'),
      undefined,
      { variables: { srctree: '/linux', src: 'drivers/demo', obj: 'drivers/demo' } },
    );
    assert.deepEqual(file.includeDirs, [
      '/linux/drivers/media/dvb-frontends',
      'drivers/demo/include',
      'drivers/extra',
      '/linux/include/demo',
      '/opt/demo',
    ]);
  });

  it('reads both spellings of -I and skips what it cannot expand', () => {
    assert.deepEqual(includeDirsOf('-I a -Ib -DX -I$(UNKNOWN)/c -I'), ['a', 'b']);
  });
});
