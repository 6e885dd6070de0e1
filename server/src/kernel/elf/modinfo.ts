const UTF8 = new TextDecoder('utf-8');

export interface ModinfoEntry {
  readonly key: string;
  readonly value: string;
}

export interface ModuleParameterInfo {
  readonly name: string;
  /** From `parmtype=name:type` (module_param and friends), e.g. `int`, `charp`, `array of int`. */
  readonly type?: string;
  /** From `parm=name:description` (MODULE_PARM_DESC). */
  readonly description?: string;
}

/**
 * The strings of a .modinfo section, in order: NUL-separated, any run of NUL padding between them
 * skipped, as the kernel's next_string walks them. A last string that the section cuts off without
 * a NUL is kept as far as it goes.
 */
export function modinfoStrings(section: Uint8Array): string[] {
  const strings: string[] = [];
  let at = 0;
  while (at < section.length) {
    if (section[at] === 0) {
      at++;
      continue;
    }
    const nul = section.indexOf(0, at);
    const end = nul === -1 ? section.length : nul;
    strings.push(UTF8.decode(section.subarray(at, end)));
    at = end + 1;
  }
  return strings;
}

/** The strings as `key=value` entries; one without `=` is kept with an empty value, as libkmod does. */
export function modinfoEntries(strings: readonly string[]): ModinfoEntry[] {
  return strings.map((text) => {
    const equals = text.indexOf('=');
    return equals === -1 ? { key: text, value: '' } : { key: text.slice(0, equals), value: text.slice(equals + 1) };
  });
}

/** The kernel's get_modinfo: the value of the first `tag=` string; a bare `tag` does not count. */
export function getModinfo(strings: readonly string[], tag: string): string | undefined {
  const prefix = `${tag}=`;
  return strings.find((s) => s.startsWith(prefix))?.slice(prefix.length);
}

/**
 * The module's parameters from `parm=` and `parmtype=` entries, in the order their names first
 * appear in .modinfo (gcc emits the strings in reverse source order). Values are `name:text`, split at the
 * first colon; a value without one, or with an empty name, describes no parameter. When a name has
 * several descriptions or types, the first wins.
 */
export function moduleParameters(entries: readonly ModinfoEntry[]): ModuleParameterInfo[] {
  const byName = new Map<string, { type?: string; description?: string }>();
  for (const { key, value } of entries) {
    if (key !== 'parm' && key !== 'parmtype') continue;
    const colon = value.indexOf(':');
    if (colon <= 0) continue;
    const name = value.slice(0, colon);
    const text = value.slice(colon + 1);
    const parameter = byName.get(name) ?? {};
    if (key === 'parm') parameter.description ??= text;
    else parameter.type ??= text;
    byName.set(name, parameter);
  }
  return [...byName].map(([name, p]) => ({
    name,
    ...(p.type !== undefined ? { type: p.type } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
  }));
}
