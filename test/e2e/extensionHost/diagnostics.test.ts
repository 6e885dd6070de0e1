// The editor shows the analysis of samples/: each broken sample gets its mistake, in the words of
// the tool that would report it (modpost, the loader, the compiler, checkpatch), with its code.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activatedExtension, codeOf, openSample, sampleUri, waitFor } from './helpers';

interface Expected {
  readonly file: string;
  readonly code: string;
  readonly severity: vscode.DiagnosticSeverity;
  readonly message: RegExp;
}

const { Error: E, Warning: W, Information: I } = vscode.DiagnosticSeverity;

/** One line per broken sample (and consumer's workspace dependency), as `lkm check samples/` says it. */
const EXPECTED: readonly Expected[] = [
  {
    file: 'broken/missing-license/nolicense.c',
    code: 'missing-license',
    severity: E,
    message: /^missing MODULE_LICENSE\(\) in nolicense\.o — modpost stops the build/,
  },
  {
    file: 'broken/duplicate-init/twoinits.c',
    code: 'duplicate-init',
    severity: E,
    message: /^redefinition of 'init_module'/,
  },
  {
    file: 'broken/exit-without-init/noinit.c',
    code: 'exit-without-init',
    severity: W,
    message: /^module_exit\(\) without module_init\(\)/,
  },
  {
    file: 'broken/export-placement/exportplace.c',
    code: 'export-placement',
    severity: W,
    message: /^EXPORT_SYMBOL\(exportplace_helper\); should immediately follow its function\/variable/,
  },
  {
    file: 'broken/export-without-definition/exportnodef.c',
    code: 'export-without-definition',
    severity: E,
    message: /^"exportnodef_missing" \[exportnodef\.ko\] was exported without definition/,
  },
  {
    file: 'broken/exported-init-symbol/exportinit.c',
    code: 'exported-init-symbol',
    severity: W,
    message: /^exportinit\.o: EXPORT_SYMBOL used for init\/exit symbol: exportinit_setup \(section: \.init\.text\)/,
  },
  {
    file: 'broken/gpl-only-symbol/propgpl.c',
    code: 'gpl-only-symbol',
    severity: E,
    message: /^GPL-incompatible module propgpl\.ko uses GPL-only symbol 'debugfs_create_dir'/,
  },
  {
    file: 'broken/init-without-exit/noexit.c',
    code: 'init-without-exit',
    severity: W,
    message: /^rmmod: ERROR: could not remove module noexit: Device or resource busy/,
  },
  {
    file: 'broken/invalid-param/badparam.c',
    code: 'invalid-param',
    severity: E,
    message: /parameter 'threshold' has mode 0666, and it is world-writable/,
  },
  {
    file: 'broken/missing-namespace-import/nsuser.c',
    code: 'missing-namespace-import',
    severity: E,
    message: /^module nsuser uses symbol dma_buf_get from namespace DMA_BUF, but does not import it\./,
  },
  {
    file: 'broken/non-gpl-license/propok.c',
    code: 'non-gpl-license',
    severity: I,
    message: /^propok: module license 'Proprietary' taints kernel\./,
  },
  {
    file: 'broken/section-mismatch/mismatch.c',
    code: 'section-mismatch',
    severity: W,
    message:
      /^mismatch\.o: section mismatch in reference: mismatch_reset \(section: \.text\) -> mismatch_setup \(section: \.init\.text\)/,
  },
  {
    file: 'broken/undefined-symbol/missing.c',
    code: 'undefined-symbol',
    severity: E,
    message: /^"no_such_symbol" \[missing\.ko\] undefined!/,
  },
  {
    file: 'broken/unknown-license/badlicense.c',
    code: 'unknown-license',
    severity: W,
    message: /^badlicense: module license 'GPLv2' taints kernel\..*Did you mean "GPL"\?/,
  },
  {
    file: 'broken/unpaired-resource/leaky.c',
    code: 'unpaired-resource',
    severity: W,
    message:
      /^leaky_init\(\) acquires a character device major number with register_chrdev\(\), but leaky_exit\(\) never releases it/,
  },
  {
    file: 'broken/userspace-api/userspace.c',
    code: 'userspace-api',
    severity: E,
    message: /^"printf" \[userspace\.ko\] undefined! — printf\(\) belongs to the C library/,
  },
  {
    file: 'broken/duplicate-export/dupexport.c',
    code: 'duplicate-export',
    severity: W,
    message: /^dupexport: 'prov_add' exported twice\. Previous export was in provider\.ko/,
  },
  {
    file: 'broken/missing-description/nodesc.c',
    code: 'missing-description',
    severity: vscode.DiagnosticSeverity.Hint,
    message: /^missing MODULE_DESCRIPTION\(\) in nodesc\.o/,
  },
  {
    file: 'consumer/consumer.c',
    code: 'workspace-dependency',
    severity: I,
    message: /^prov_add is exported by provider, a module of this workspace — load provider before consumer/,
  },
];

function describeAll(diagnostics: readonly vscode.Diagnostic[]): string {
  return diagnostics.length === 0
    ? ' (none yet)'
    : `; the editor has:\n${diagnostics.map((d) => `  [${codeOf(d)}] ${d.message}`).join('\n')}`;
}

describe('diagnostics in the editor (samples/)', () => {
  before(async () => {
    await activatedExtension();
  });

  for (const expected of EXPECTED) {
    it(`${expected.file}: ${expected.code}`, async () => {
      const document = await openSample(expected.file);
      const uri = sampleUri(expected.file);
      const found = await waitFor(
        `a ${expected.code} diagnostic on ${expected.file}`,
        () =>
          vscode.languages
            .getDiagnostics(uri)
            .find((d) => codeOf(d) === expected.code && expected.message.test(d.message)),
        120_000,
        () => describeAll(vscode.languages.getDiagnostics(uri)),
      );
      assert.equal(found.severity, expected.severity, `severity of ${found.message}`);
      assert.equal(found.source, 'lkm', `source of ${found.message}`);
      assert.ok(found.range.start.line < document.lineCount);
    });
  }

  it('the good samples get no error or warning', async () => {
    for (const file of [
      'hello/hello.c',
      'params/params.c',
      'chardev/chardev.c',
      'platform/platform.c',
      'consumer/consumer.c',
    ]) {
      const document = await openSample(file);
      // A hover request waits for the file's analysis, whose diagnostics the server publishes first.
      await vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 0));
      const bad = vscode.languages
        .getDiagnostics(document.uri)
        .filter(
          (d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning,
        );
      assert.deepEqual(
        bad.map((d) => `${file}: [${codeOf(d)}] ${d.message}`),
        [],
      );
    }
  });
});
