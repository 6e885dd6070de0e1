import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseSshConfigHosts, readSshConfigHosts } from '../../../client/src/sshConfigHosts';

describe('the ~/.ssh/config Host list of Select Target', () => {
  it('lists each named host once, in file order, skipping patterns, negations and comments', () => {
    const config = [
      '# my machines',
      'Host vm vm-debug',
      '  HostName 192.168.122.10',
      '  User root',
      'Host *',
      '  ServerAliveInterval 30',
      'host=builder',
      'HOST  "lab box"  # the one in the lab',
      'Host *.example.org web?? !bastion jump',
      'Match host vm exec "true"',
      'Host vm',
      '  Port 2222',
    ].join('\n');
    assert.deepEqual(parseSshConfigHosts(config), ['vm', 'vm-debug', 'builder', 'lab box', 'jump']);
  });

  it('reads CRLF files and takes HostName or other keywords for no host', () => {
    assert.deepEqual(parseSshConfigHosts('Hostname x\r\nHost a\r\n\tHostName a.example\r\nHostKeyAlias k\r\n'), ['a']);
  });

  it('gives no hosts for a missing file, and the hosts of a real one', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'lkm-ssh-'));
    try {
      assert.deepEqual(await readSshConfigHosts(path.join(folder, 'missing')), []);
      writeFileSync(path.join(folder, 'config'), 'Host one\nHost two\n');
      assert.deepEqual(await readSshConfigHosts(path.join(folder, 'config')), ['one', 'two']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
