import { strict as assert } from 'node:assert';
import { compiledOffsets, directiveBranches, localDefinitions } from '../../server/src/kernel/model/directiveBranches';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';

/** The header shape tree-sitter misreads: a chain of #defines whose #else seems to run to the end. */
const HEADER = `#ifndef _DEMO_H_
#define _DEMO_H_
#ifdef CONFIG_HAS_DMA
#define __demo_inline
#else
#define __demo_inline __always_inline
#endif

enum demo_flags {
	DEMO_FENCE = 1,
};
/* #if 0 in a comment is no directive
#else
*/
#if defined(CONFIG_A) && \\
    !defined(CONFIG_B)
int demo_a(void);
#elif defined(CONFIG_B)
int demo_b(void);
#else
static inline int demo_a(void) { return 0; }
#endif
#endif /* _DEMO_H_ */
`;

describe('directive branches', () => {
  it('reads each #if chain from its directive lines: extents, branch numbers, continued conditions', () => {
    const branches = directiveBranches(HEADER).map((b) => ({
      directive: b.directive,
      branch: b.branch,
      text: HEADER.slice(b.start, b.end).split('\n')[0],
      lines: HEADER.slice(b.start, b.end).split('\n').length - 1,
    }));
    assert.deepEqual(branches, [
      { directive: 'ifndef _DEMO_H_', branch: 0, text: '#ifndef _DEMO_H_', lines: 22 },
      { directive: 'ifdef CONFIG_HAS_DMA', branch: 0, text: '#ifdef CONFIG_HAS_DMA', lines: 2 },
      { directive: 'else', branch: 1, text: '#else', lines: 2 },
      {
        directive: 'if defined(CONFIG_A) &&      !defined(CONFIG_B)',
        branch: 0,
        text: '#if defined(CONFIG_A) && \\',
        lines: 3,
      },
      { directive: 'elif defined(CONFIG_B)', branch: 1, text: '#elif defined(CONFIG_B)', lines: 2 },
      { directive: 'else', branch: 2, text: '#else', lines: 2 },
    ]);
  });

  it('tells what a .config compiles: the enum after a closed #else is compiled, the dead branch is not', () => {
    const config = parseKernelConfig('CONFIG_HAS_DMA=y\nCONFIG_A=y\n');
    const compiled = compiledOffsets(directiveBranches(HEADER), config);
    const at = (needle: string): boolean | undefined => compiled(HEADER.indexOf(needle));
    // Asked in increasing order, as the sweep requires.
    assert.equal(at('__demo_inline __always_inline'), false);
    assert.equal(at('DEMO_FENCE'), undefined); // inside the include guard, which no config decides
    assert.equal(at('int demo_a(void);'), undefined);
    assert.equal(at('int demo_b(void);'), false);
    assert.equal(at('static inline int demo_a'), false);
  });

  it('survives unbalanced directives: a stray #endif, an unclosed #if', () => {
    assert.deepEqual(directiveBranches('#endif\nint x;\n'), []);
    const unclosed = directiveBranches('#ifdef X\nint x;\n');
    assert.equal(unclosed.length, 1);
    assert.equal(unclosed[0]!.end, '#ifdef X\nint x;\n'.length);
  });

  it("knows the text's own #defines further down: riptide's SUPPORT_JOYSTICK under IS_REACHABLE", () => {
    const text = [
      '#if IS_REACHABLE(CONFIG_GAMEPORT)', // 0
      '#define SUPPORT_JOYSTICK 1',
      '#endif',
      '#ifdef CONFIG_OFF',
      '#define OFF_FEATURE',
      '#endif',
      '#define DROPPED',
      '#undef DROPPED',
      '#if defined(SUPPORT_JOYSTICK)',
      'joystick();',
      '#endif',
      '#ifdef OFF_FEATURE',
      'off();',
      '#endif',
      '#ifdef DROPPED',
      'dropped();',
      '#endif',
      '',
    ].join('\n');
    const config = parseKernelConfig('CONFIG_GAMEPORT=m\n# CONFIG_OFF is not set\n');
    const branches = directiveBranches(text);
    const compiled = compiledOffsets(branches, config, localDefinitions(text, branches, config));
    assert.equal(compiled(text.indexOf('joystick();')), true);
    // Not defined here: a header may still define it, so undecided rather than false.
    assert.equal(compiled(text.indexOf('off();')), undefined);
    assert.equal(compiled(text.indexOf('dropped();')), undefined);
    assert.equal(compiledOffsets(branches, config)(text.indexOf('joystick();')), undefined);
  });

  it('takes an include guard as not yet defined at its #ifndef, and only there', () => {
    const text =
      '/* demo */\n#ifndef _DEMO_H\n#define _DEMO_H\nint inside;\n#ifndef _DEMO_H\nint never;\n#endif\n#endif\n';
    const branches = directiveBranches(text);
    const compiled = compiledOffsets(branches, undefined, localDefinitions(text, branches, undefined));
    assert.equal(compiled(text.indexOf('int inside')), true);
    assert.equal(compiled(text.indexOf('int never')), false);
  });

  it('finds no guard behind many leading comments without backtracking over them', () => {
    // A regex that let `/* … */` stretch over later comments took exponential time here.
    const text = `${'/* note */\n'.repeat(60)}#include <linux/types.h>\n#ifndef LATE\n#define LATE\n#endif\n`;
    const branches = directiveBranches(text);
    const defined = localDefinitions(text, branches, undefined);
    assert.equal(defined('LATE', text.indexOf('#ifndef LATE')), undefined);
  });
});
