/**
 * The setting that records the workspace's target: `simulated`, or an SSH spec `[user@]host[:port]`.
 * Pure (no vscode), so its round trip is unit-tested.
 */
import type { TargetSpec } from '../../server/src/protocol/lkmProtocol';

export const SIMULATED_TARGET = 'simulated';

/** The spec a setting value names, or a sentence saying why it names none. */
export function parseTargetSetting(value: string): TargetSpec | string {
  const text = value.trim();
  if (text === '' || text === SIMULATED_TARGET) return { kind: 'simulated' };
  const match = /^(?:([^@\s]+)@)?(\[[^\]\s]+\]|[^:@\s[\]]+)(?::(\d+))?$/.exec(text);
  if (match === null) return `"${text}" is not "${SIMULATED_TARGET}" nor an SSH host as user@host:port`;
  const [, user, rawHost = '', rawPort] = match;
  // A bracketed IPv6 address is written [::1]:22; ssh wants it without the brackets.
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  if (rawPort === undefined) return user === undefined ? { kind: 'ssh', host } : { kind: 'ssh', host, user };
  const port = Number(rawPort);
  if (port < 1 || port > 65535) return `port ${rawPort} is outside 1–65535`;
  return user === undefined ? { kind: 'ssh', host, port } : { kind: 'ssh', host, user, port };
}

/** The setting value for a spec (its identity file, if any, stays out: ~/.ssh/config is the place for it). */
export function formatTargetSetting(spec: TargetSpec): string {
  if (spec.kind === 'simulated') return SIMULATED_TARGET;
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.user === undefined ? '' : `${spec.user}@`}${host}${spec.port === undefined ? '' : `:${spec.port}`}`;
}
