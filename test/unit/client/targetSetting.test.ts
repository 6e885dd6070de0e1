import { strict as assert } from 'node:assert';
import { formatTargetSetting, parseTargetSetting } from '../../../client/src/targetSetting';

describe('the lkm.target.kernel setting', () => {
  it('reads simulated (and empty) as the simulated kernel', () => {
    assert.deepEqual(parseTargetSetting('simulated'), { kind: 'simulated' });
    assert.deepEqual(parseTargetSetting('  '), { kind: 'simulated' });
  });

  it('reads [user@]host[:port], IPv6 in brackets', () => {
    assert.deepEqual(parseTargetSetting('vm'), { kind: 'ssh', host: 'vm' });
    assert.deepEqual(parseTargetSetting('root@vm:2222'), { kind: 'ssh', host: 'vm', user: 'root', port: 2222 });
    assert.deepEqual(parseTargetSetting('dev@10.0.0.7'), { kind: 'ssh', host: '10.0.0.7', user: 'dev' });
    assert.deepEqual(parseTargetSetting('[fe80::1]:22'), { kind: 'ssh', host: 'fe80::1', port: 22 });
  });

  it('says why a value names no target', () => {
    const problem = (value: string): string => {
      const parsed = parseTargetSetting(value);
      assert.equal(typeof parsed, 'string', value);
      return parsed as string;
    };
    assert.match(problem('root@vm:99999'), /port 99999/);
    assert.match(problem('two words'), /not "simulated" nor an SSH host/);
    assert.match(problem('a@b@c'), /not "simulated"/);
  });

  it('writes what it reads back', () => {
    for (const value of ['simulated', 'vm', 'root@vm:2222', 'dev@10.0.0.7', '[fe80::1]:22']) {
      const spec = parseTargetSetting(value);
      assert.ok(typeof spec !== 'string', value);
      assert.equal(formatTargetSetting(spec), value);
    }
    assert.equal(formatTargetSetting({ kind: 'ssh', host: 'vm', identityFile: '/k' }), 'vm');
  });
});
