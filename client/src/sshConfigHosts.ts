/**
 * The host aliases of an OpenSSH client configuration, for Select Target's list. Pure (no vscode),
 * so it is unit-tested; the ssh client itself resolves the alias later, with all of its options.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';

/**
 * The names of `Host` lines, in file order, without duplicates. Patterns (`*`, `?`, `!negated`)
 * name no one host, so they are skipped; `Match` blocks and `Include`d files are not followed.
 */
export function parseSshConfigHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    // ssh_config allows `Host name` and `Host=name`, keywords in any case.
    const match = /^host(?:\s*=\s*|\s+)(.*)$/i.exec(line);
    if (match === null) continue;
    for (const name of splitArguments(match[1] ?? '')) {
      if (/[*?!]/.test(name) || hosts.includes(name)) continue;
      hosts.push(name);
    }
  }
  return hosts;
}

/** Whitespace-separated words; double quotes keep a word with spaces together, as ssh reads them. */
function splitArguments(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const word = match[1] ?? match[2] ?? '';
    if (word.startsWith('#')) break; // a trailing comment
    if (word !== '') words.push(word);
  }
  return words;
}

/** The user's ~/.ssh/config hosts; none when the file is missing or unreadable. */
export async function readSshConfigHosts(file = path.join(homedir(), '.ssh', 'config')): Promise<string[]> {
  try {
    return parseSshConfigHosts(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
}
