/** What the simulated kernel is: its release, vermagic and the config options the loader looks at. */
export interface KernelConfig {
  /** `uname -r`. */
  readonly release: string;
  /** VERMAGIC_STRING: release, then the flags (note the trailing space). */
  readonly vermagic: string;
  /** `cat /proc/version`. */
  readonly version: string;
  readonly modversions: boolean;
  readonly moduleUnload: boolean;
  readonly forceUnload: boolean;
  readonly sigForce: boolean;
  /** CONFIG_RETPOLINE: modules without `retpoline=Y` get a warning. */
  readonly retpoline: boolean;
  /** /proc/sys/kernel/kptr_restrict hides addresses (/proc/modules, kallsyms read as zeros). */
  readonly hideAddresses: boolean;
  /** /proc/sys/kernel/modules_disabled. */
  readonly modulesDisabled: boolean;
}

export const DEBIAN_6_1_RELEASE = '6.1.0-56-amd64';

/** Debian's 6.1.0-56-amd64 as the reference transcripts show it (CONFIG_MODULE_SIG_FORCE is off). */
export const DEBIAN_6_1_CONFIG: KernelConfig = {
  release: DEBIAN_6_1_RELEASE,
  vermagic: `${DEBIAN_6_1_RELEASE} SMP preempt mod_unload modversions `,
  version:
    'Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)',
  modversions: true,
  moduleUnload: true,
  forceUnload: true,
  sigForce: false,
  retpoline: true,
  hideAddresses: false,
  modulesDisabled: false,
};

/** A config for another release: the vermagic's first word and /proc/version follow it. */
export function configForRelease(release: string, base: KernelConfig = DEBIAN_6_1_CONFIG): KernelConfig {
  const flags = base.vermagic.slice(base.vermagic.indexOf(' '));
  return {
    ...base,
    release,
    vermagic: `${release}${flags}`,
    version: base.version.replace(base.release, release),
  };
}
