import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseResourcePairs, renderUndo, DEFAULT_RESOURCE_PAIRS } from '../../server/src/kernel/checks/resourcePairs';
import { main } from '../../server/src/cli/lkm';
import { REPOSITORY_ROOT } from '../support/fixtures';

const GADGET = path.join(REPOSITORY_ROOT, 'test/fixtures/modules/custom-resource');

async function lkm(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { cwd: REPOSITORY_ROOT, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('resource pairs', () => {
  it('renders undo calls from the acquiring call', () => {
    const chrdev = DEFAULT_RESOURCE_PAIRS.acquiredBy('alloc_chrdev_region')!;
    assert.equal(renderUndo(chrdev, ['&devno', '0', '1', '"x"'], undefined), 'unregister_chrdev_region(devno, 1)');
    const irq = DEFAULT_RESOURCE_PAIRS.acquiredBy('request_irq')!;
    assert.equal(renderUndo(irq, ['irq', 'handler', '0', '"x"', 'dev'], undefined), 'free_irq(irq, dev)');
    const cls = DEFAULT_RESOURCE_PAIRS.acquiredBy('class_create')!;
    assert.equal(renderUndo(cls, ['THIS_MODULE', '"x"'], undefined), undefined, 'no result variable');
  });

  it('reads user pairs and reports malformed ones without throwing', () => {
    const { pairs, problems } = parseResourcePairs([
      { acquire: 'a_get', release: ['a_put', 'a_drop'] },
      { acquire: 42 },
      'nonsense',
      { acquire: 'b get', release: 'b_put' },
    ]);
    assert.deepEqual(pairs, [
      { acquire: ['a_get'], release: ['a_put', 'a_drop'], what: 'what a_get() acquires', undo: 'a_put({result})' },
    ]);
    assert.equal(problems.length, 3);
    assert.deepEqual(parseResourcePairs({ not: 'a list' }).problems, ['expected a list of pairs']);
  });

  it('lets lkm check --resource-pairs teach the unpaired-resource check a new pair', async () => {
    const file = path.relative(REPOSITORY_ROOT, path.join(GADGET, 'gadget.c'));
    // gadget_claim is a made-up API, undefined in any real kernel: only the resource check is wanted here.
    const without = await lkm('check', '--no-symbols', '--format', 'json', file);
    assert.deepEqual(JSON.parse(without.stdout), []);
    const withPairs = await lkm(
      'check',
      '--no-symbols',
      '--format',
      'json',
      '--resource-pairs',
      path.join(GADGET, 'pairs.json'),
      file,
    );
    assert.deepEqual(
      (JSON.parse(withPairs.stdout) as { code: string; message: string }[]).map((d) => [
        d.code,
        /gadget_claim/.test(d.message),
      ]),
      [['unpaired-resource', true]],
    );
    assert.equal((await lkm('check', '--resource-pairs', path.join(GADGET, 'gadget.c'), file)).status, 2);
  });
});
