import { strict as assert } from 'node:assert';
import {
  expandedName,
  fitsPattern,
  macroArgumentRoles,
  macroNamedFunctions,
  type MacroShape,
  pastingPatterns,
  textualEnumerators,
  textualFunctionDefinitions,
  textualIncludes,
  textualMacroDefinitions,
  textualTypedefNames,
  UNKNOWN_TEXT,
} from '../../server/src/kernel/model/textualNames';

describe('names read from the text where the tree loses them', () => {
  it('finds function definitions at column 0 (type on the same or the previous line), not calls or prototypes', () => {
    const text = [
      'static inline bool ipv6_addr_v4mapped(const struct in6_addr *a)',
      '{',
      '\treturn (',
      '#if defined(X)',
      '\t\t1',
      '#endif',
      '\t);',
      '}',
      // A prototype right before a definition is no definition (its `;` follows the `)` at once).
      'extern int demo_extern(void);',
      'static int __init demo_setup(void)',
      '{',
      '\treturn demo_extern();',
      '}',
      'static int',
      'demo_probe(struct device *dev)',
      '{',
      '\treturn helper(dev);',
      '}',
      'int demo_prototype(void);',
      'module_init(demo_init)',
      'module_exit(demo_exit)',
    ].join('\n');
    assert.deepEqual(
      textualFunctionDefinitions(text).map((d) => [d.name, d.inline]),
      [
        ['ipv6_addr_v4mapped', true],
        ['demo_setup', true],
        // `static` on the line before the name counts (a header's `static inline void __releases(x)`).
        ['demo_probe', true],
      ],
    );
  });

  it('reads #defines with continued lines, typedefs hidden by annotations, enum items and includes', () => {
    const text = [
      '#define INTERVAL_TREE_DEFINE(ITSTRUCT, ITRB, \\',
      '\t\t\t     ITPREFIX) \\',
      '/* a comment the tree stops at */ \\',
      'ITSTATIC void ITPREFIX ## _insert(ITSTRUCT *node) {}',
      'typedef __u16 __bitwise __le16;',
      'typedef int (*demo_handler_t)(int);',
      'typedef enum _CHIP { SIS_300 = 3, /* x */ SIS_330,',
      '#ifdef X',
      '  SIS_340',
      '#endif',
      '} CHIP;',
      '#define _LAPB_H ',
      '#include <linux/lapb.h>',
      '#include "local.h"',
    ].join('\n');
    const [macro] = textualMacroDefinitions(text);
    assert.deepEqual(macro!.shape.parameters, ['ITSTRUCT', 'ITRB', 'ITPREFIX']);
    assert.match(macro!.shape.value, /ITPREFIX ## _insert/);
    assert.deepEqual(
      textualTypedefNames(text).map((t) => t.name),
      ['__le16', 'demo_handler_t', 'CHIP'],
    );
    assert.deepEqual(
      textualEnumerators(text).map((e) => e.name),
      ['SIS_300', 'SIS_330', 'SIS_340'],
    );
    assert.deepEqual(
      textualIncludes(text).map((i) => [i.path, i.system]),
      [
        ['linux/lapb.h', true],
        ['local.h', false],
      ],
    );
  });

  it('puts the arguments into the names a macro pastes: whole, or known up to the first unknown part', () => {
    const bodies = new Map([
      [
        'MODULE_DEVICE_TABLE',
        [{ parameters: ['type', 'name'], value: 'extern typeof(name) __mod_##type##__##name##_device_table' }],
      ],
      [
        'INTERVAL_TREE_DEFINE',
        [{ parameters: ['ITSTRUCT', 'ITPREFIX'], value: 'void ITPREFIX ## _insert(ITSTRUCT *n) {}' }],
      ],
      ['SENSOR_ATTR', [{ parameters: ['name'], value: 'struct sensor sensor_dev_attr_##name = {}' }]],
      ['PLURAL', [{ parameters: ['x', 'y', '...'], value: 'int x##s; int y##_##__VA_ARGS__##s;' }]],
    ]);
    const roles = macroArgumentRoles(
      [
        'MODULE_DEVICE_TABLE(usb, ids);',
        'INTERVAL_TREE_DEFINE(struct node, demo_tree)',
        'static SENSOR_ATTR(temp1);',
        'PLURAL(link_mode, z, a);',
      ].join('\n'),
      (macro) => bodies.get(macro) ?? [],
    );
    assert.deepEqual(
      [...roles.exact],
      ['__mod_usb__ids_device_table', 'demo_tree_insert', 'sensor_dev_attr_temp1', 'link_modes'],
    );
    assert.deepEqual([...roles.prefixes], [...roles.exact]);
    // `z_` (too short) and `s` (no argument in it) say nothing: not every name ending in s is made.
    assert.deepEqual([...roles.suffixes], [...roles.exact]);
    assert.ok(roles.names.has('usb') && roles.names.has('ids'));
  });

  it('keeps both literal ends of a pasting pattern and the pieces between its parameters', () => {
    const ends = (value: string, parameters: string[]) =>
      pastingPatterns({ parameters, value }).map((p) => [p.prefix, p.suffix, ...p.middles]);
    assert.deepEqual(ends('class_##_name##_t class_##_name##_constructor(void)', ['_name']), [
      ['class_', '_t'],
      ['class_', '_constructor'],
    ]);
    assert.deepEqual(ends('a##x', ['x']), []);
    // linux/pci.h's PCI_OP_READ: pci_read_config_byte, never pci_unregister_driver.
    const [accessor] = pastingPatterns({
      parameters: ['o', 's'],
      value: 'static inline int pci_##o##_config_##s(struct pci_dev *dev, int w)',
    });
    assert.deepEqual([accessor?.prefix, accessor?.suffix, accessor?.middles], ['pci_', '', ['_config_']]);
    assert.ok(fitsPattern('pci_read_config_byte', accessor!));
    assert.ok(!fitsPattern('pci_unregister_driver', accessor!));
    assert.ok(!fitsPattern('pci__config_byte', accessor!), 'each parameter gives something');
  });

  it('tells a name a macro body calls from one it defines', () => {
    // mptspi's MPT_SET/GET helpers define mptspi_write_<parm> and call spi_<parm>().
    const [defined, called, returned] = pastingPatterns({
      parameters: ['parm'],
      value:
        'static void mptspi_write_##parm(struct scsi_target *starget, int parm) { spi_##parm(starget) = parm; return spi_get_##parm(starget); }',
    });
    assert.deepEqual(
      [defined, called, returned].map((p) => [p?.prefix, p?.calledInBody]),
      [
        ['mptspi_write_', false],
        ['spi_', true],
        ['spi_get_', true],
      ],
    );
  });

  it('expands a macro-made name as cpp does: pasted arguments as written, unknown object-like macros as unknown text', () => {
    const text = [
      '#define __TP(pfx, type, sfx) pfx ## type ## sfx',
      '#define _TP(pfx, type, sfx) __TP(pfx, type, sfx)',
      '#define TP(pfx) _TP(pfx, TYPE_SUFFIX,)',
      '#define FN(name) TP(btree_ ## name)',
      '#define PLAIN(name) name ## _ops',
    ].join('\n');
    const macros = new Map<string, MacroShape[]>();
    for (const { name, shape } of textualMacroDefinitions(text)) macros.set(name, [shape]);
    const of = (name: string) => macros.get(name);
    assert.equal(expandedName('FN(init)', of), `btree_init${UNKNOWN_TEXT}`);
    assert.equal(expandedName('PLAIN(demo)', of), 'demo_ops');
    assert.equal(expandedName('FN(a + b)', of), undefined);
    const header = [
      text,
      'static inline int FN(lookup)(struct head *head)',
      '{',
      '\treturn 0;',
      '}',
      'int FN(prototype)(struct head *head);',
      'static inline void *PLAIN(demo)(void) { return 0; }',
    ].join('\n');
    assert.deepEqual(macroNamedFunctions(header, of), [`btree_lookup${UNKNOWN_TEXT}`, 'demo_ops']);
  });
});
