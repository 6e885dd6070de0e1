import { strict as assert } from 'node:assert';
import type { LoadedModuleInfo, OperationResult, TargetInfo } from '../../../server/src/protocol/lkmProtocol';
import { kbuildInvocation } from '../../../client/src/kbuildInvocation';
import { channelLevel, failureMessage, operationTranscript } from '../../../client/src/kernelLogFormat';
import { moduleRow, targetStatusText } from '../../../client/src/moduleDescriptions';
import {
  describeParameterProblems,
  localValueProblem,
  parameterPickItem,
  parameterPrompt,
  parameterWord,
} from '../../../client/src/parameterWords';

const provider: LoadedModuleInfo = {
  name: 'provider',
  size: 16384,
  useCount: 1,
  usedBy: ['consumer'],
  state: 'Live',
  taint: 'OE',
  permanent: false,
  loadedFrom: '/ws/provider',
  loadedWith: ['base=7'],
};

const simulated: TargetInfo = {
  kind: 'simulated',
  label: 'simulated 6.1.0-56-amd64',
  release: '6.1.0-56-amd64',
  tainted: 12288,
  taintLetters: 'OE',
  taintReasons: ['O: externally-built ("out-of-tree") module was loaded', 'E: unsigned module was loaded'],
  real: false,
};

describe('the Kernel Modules view and the status bar, in words', () => {
  it('shows a module as /proc/modules has it', () => {
    const row = moduleRow(provider);
    assert.equal(row.label, 'provider');
    assert.equal(row.description, '16384 B · used 1 by consumer · Live · OE');
    assert.equal(row.contextValue, 'module.busy');
    assert.match(row.tooltip, /loaded from: \/ws\/provider/);
    assert.match(row.tooltip, /parameters: base=7/);
    const hello = moduleRow({ ...provider, name: 'hello', useCount: 0, usedBy: [], taint: '', permanent: true });
    assert.equal(hello.description, '16384 B · used 0 · Live');
    assert.equal(hello.contextValue, 'module.permanent');
    assert.match(hello.tooltip, /\[permanent\]/);
  });

  it('shows the target, its release once, and its taint with the reasons in the tooltip', () => {
    const status = targetStatusText(simulated);
    assert.equal(status.text, 'simulated 6.1.0-56-amd64 · tainted: OE');
    assert.match(status.tooltip, /O: externally-built/);
    const ssh = targetStatusText({
      ...simulated,
      kind: 'ssh',
      label: 'ssh root@vm',
      tainted: 0,
      taintLetters: '',
      taintReasons: [],
      real: true,
    });
    assert.equal(ssh.text, 'ssh root@vm 6.1.0-56-amd64');
    assert.match(ssh.tooltip, /Not tainted/);
  });
});

describe('the Kernel Log channel', () => {
  it('maps the kernel’s eight levels onto the channel’s four', () => {
    assert.deepEqual(
      (['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const).map(channelLevel),
      ['error', 'error', 'error', 'error', 'warn', 'info', 'info', 'debug'],
    );
  });

  it('writes an operation as a shell shows it, and its failure from the advice, else stderr', () => {
    const failed: OperationResult = {
      ok: false,
      command: 'insmod /ws/consumer/consumer.ko',
      exitCode: 1,
      stdout: '',
      stderr: 'insmod: ERROR: could not insert module /ws/consumer/consumer.ko: Unknown symbol in module\n',
      log: [],
      advice: 'Unknown symbol prov_add: load provider first, or use Load with Dependencies',
      notes: [],
      state: { target: simulated, modules: [] },
    };
    assert.deepEqual(
      operationTranscript(failed).map((line) => `${line.level} ${line.text}`),
      [
        'info $ insmod /ws/consumer/consumer.ko',
        'error insmod: ERROR: could not insert module /ws/consumer/consumer.ko: Unknown symbol in module',
        'error [exit=1]',
      ],
    );
    assert.equal(failureMessage(failed), failed.advice);
    assert.match(failureMessage({ ...failed, advice: ' ' }), /^insmod: ERROR: could not insert module/);
  });
});

describe('Load Module’s parameter prompts', () => {
  const count = { name: 'count', type: 'int', default: '3', description: 'How many greetings', permissions: '0644' };

  it('shows each parameter’s type, default and description', () => {
    assert.deepEqual(parameterPickItem(count), {
      label: 'count',
      description: 'int, default 3, sysfs 0644',
      detail: 'How many greetings',
    });
    assert.equal(parameterPrompt(count), 'count: How many greetings (int, default 3, sysfs 0644)');
    assert.equal(
      parameterPrompt({ name: 'who', type: 'charp', default: '', permissions: '0000' }),
      'who (charp, default "")',
    );
  });

  it('makes name=value words, quoting a value with blanks as parse_args expects', () => {
    assert.equal(parameterWord('count', '5'), 'count=5');
    assert.equal(parameterWord('who', 'big world'), 'who="big world"');
    assert.equal(parameterWord('who', '"big world"'), 'who="big world"');
    assert.equal(localValueProblem('5'), undefined);
    assert.match(String(localValueProblem('a\nb')), /span lines/);
    assert.match(String(localValueProblem('a"b')), /double quote/);
    assert.equal(
      describeParameterProblems([{ word: 'count=x', message: "hello: 'x' invalid for parameter 'count'" }]),
      "count=x: hello: 'x' invalid for parameter 'count'",
    );
  });
});

describe('Build Module’s kbuild command', () => {
  it('is make -C <build dir> M=<folder> modules, the build dir from lkm.kernelHeaders else the running kernel’s', () => {
    assert.deepEqual(kbuildInvocation('/ws/hello', ''), {
      buildDir: '/lib/modules/$(uname -r)/build',
      args: ['-C', '/lib/modules/$(uname -r)/build', 'M=/ws/hello', 'modules'],
    });
    assert.deepEqual(kbuildInvocation('/ws/hello', '/usr/src/linux-headers-6.1.0-56-amd64').args, [
      '-C',
      '/usr/src/linux-headers-6.1.0-56-amd64',
      'M=/ws/hello',
      'modules',
    ]);
  });
});
