import { strict as assert } from 'node:assert';
import { moduleFromKo } from '../../../server/src/kernel/simulator/koModule';
import { layoutModule } from '../../../server/src/kernel/simulator/layout';
import { ko } from './helpers';

const layout = (name: string) => layoutModule(moduleFromKo(ko(name), `${name}.ko`));

describe('simulator: module layout (layout_sections and layout_symtab, x86_64, STRICT_MODULE_RWX)', () => {
  it("core sizes equal the real kernel's /proc/modules for the modules it showed: 16384, and 12288 without exit text", () => {
    for (const name of ['hello', 'provider', 'consumer', 'propok', 'params', 'enodev'])
      assert.equal(layout(name).coreSize, 16384, name);
    assert.equal(layout('noexit').coreSize, 12288);
  });

  it("init size 12288 for provider: the real modprobe placed consumer right after provider's core and init parts", () => {
    assert.equal(layout('provider').initSize, 12288);
  });

  it('section offsets match the addresses /proc/kallsyms showed for provider (__ksymtab at +0x1060 … strings at +0x1080)', () => {
    const sections = layout('provider').sections;
    const at = (name: string) => sections.get(name);
    assert.deepEqual(at('.text'), { part: 'core', offset: 0 });
    assert.deepEqual(at('__ksymtab'), { part: 'core', offset: 0x1060 });
    assert.deepEqual(at('__ksymtab_gpl'), { part: 'core', offset: 0x106c });
    assert.deepEqual(at('__kcrctab'), { part: 'core', offset: 0x1078 });
    assert.deepEqual(at('__kcrctab_gpl'), { part: 'core', offset: 0x107c });
    assert.deepEqual(at('__ksymtab_strings'), { part: 'core', offset: 0x1080 });
    assert.deepEqual(at('.init.text'), { part: 'init', offset: 0 });
    assert.equal(at('.modinfo'), undefined, '.modinfo and __versions lose SHF_ALLOC');
    assert.equal(at('__versions'), undefined);
  });

  it('larger modules (chardev, platform, leaky): page counts derived, not checked against a real kernel (none recorded yet)', () => {
    for (const name of ['chardev', 'platform', 'leaky']) {
      const { coreSize } = layout(name);
      assert.equal(coreSize % 4096, 0, name);
      assert.ok(coreSize >= 16384, name);
    }
  });
});
