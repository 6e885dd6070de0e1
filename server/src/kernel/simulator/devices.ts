/**
 * Device numbers as Linux 6.1 keeps them: the character device regions of fs/char_dev.c
 * (`chrdevs`, a hash of 255 chains sorted by major and first minor) and the block majors of
 * block/genhd.c (`major_names`), with what module code does to them (register_chrdev,
 * alloc_chrdev_region, register_chrdev_region, their unregister calls, register_blkdev,
 * unregister_blkdev) and /proc/devices, which lists them (fs/proc/devices.c).
 *
 * A registration belongs to nobody: a module that forgets to unregister in exit leaves its line in
 * /proc/devices after rmmod, and its major stays taken (the real kernel copies the name, so reading
 * /proc/devices afterwards is safe; opening the device would reach freed code).
 *
 * The boot registrations are those of the reference VM (Debian's 6.1.0-56-amd64 under QEMU), as
 * its /proc/devices reads in test/fixtures/vm/golden/sources.txt. Minor ranges are the drivers'
 * where /proc/devices shows two entries of one major (4, 5); the others are taken whole.
 */

/** CHRDEV_MAJOR_MAX, BLKDEV_MAJOR_MAX: majors are below 512. */
export const MAJOR_MAX = 512;
/** CHRDEV_MAJOR_HASH_SIZE, BLKDEV_MAJOR_HASH_SIZE. */
const HASH_SIZE = 255;
/** MINORBITS = 20. */
export const MINOR_COUNT = 1 << 20;

export interface CharRegion {
  readonly major: number;
  readonly baseminor: number;
  readonly minorct: number;
  /** As the kernel keeps it (char name[64]: 63 characters). */
  readonly name: string;
}

export interface BlockMajor {
  readonly major: number;
  /** char name[16]: 15 characters. */
  readonly name: string;
}

const WHOLE = MINOR_COUNT;
const BOOT_CHAR: readonly CharRegion[] = [
  [1, 'mem'],
  [4, '/dev/vc/0', 0, 1],
  [4, 'tty', 1, 63],
  [4, 'ttyS', 64, 32],
  [5, '/dev/tty', 0, 1],
  [5, '/dev/console', 1, 1],
  [5, '/dev/ptmx', 2, 1],
  [7, 'vcs'],
  [10, 'misc'],
  [13, 'input'],
  [29, 'fb'],
  [128, 'ptm'],
  [136, 'pts'],
  [153, 'spi'],
  [247, 'cxl'],
  [248, 'bsg'],
  [249, 'ptp'],
  [250, 'pps'],
  [251, 'rtc'],
  [252, 'dax'],
  [253, 'tpm'],
  [254, 'gpiochip'],
].map(([major, name, baseminor, minorct]) => ({
  major: major as number,
  name: name as string,
  baseminor: (baseminor as number | undefined) ?? 0,
  minorct: (minorct as number | undefined) ?? WHOLE,
}));
const BOOT_BLOCK: readonly BlockMajor[] = [{ major: 259, name: 'blkext' }];

const EBUSY = 16;
const EINVAL = 22;

/**
 * What a registration gave: the major (dynamic or asked for), or the errno it failed with, why, and
 * the level of the line the kernel prints about it (none when it prints nothing).
 */
export type Registration =
  | { readonly major: number; readonly errno?: undefined }
  | { readonly errno: number; readonly why: string; readonly level?: 3 | 4 };

export class DeviceNumbers {
  /** Sorted by major, then first minor (the order of a chain, and of /proc/devices). */
  private char: CharRegion[] = [...BOOT_CHAR];
  private block: BlockMajor[] = [...BOOT_BLOCK];

  /**
   * __register_chrdev_region: major 0 takes a dynamic major (find_dynamic_major: the first empty
   * chain from 254 down to 234, then the first free major from 511 down to 384); a range that
   * overlaps one of the major's is -EBUSY.
   */
  registerChar(major: number, baseminor: number, minorct: number, name: string): Registration {
    if (major >= MAJOR_MAX)
      return {
        errno: EINVAL,
        why: `CHRDEV "${name}" major requested (${major}) is greater than the maximum (${MAJOR_MAX - 1})`,
        level: 3,
      };
    if (minorct > MINOR_COUNT - baseminor)
      return {
        errno: EINVAL,
        why:
          `CHRDEV "${name}" minor range requested (${baseminor}-${baseminor + minorct - 1}) is out of range of ` +
          `maximum range (0-${MINOR_COUNT - 1}) for a single major`,
        level: 3,
      };
    if (major === 0) {
      const dynamic = this.dynamicCharMajor();
      if (dynamic === undefined)
        return { errno: EBUSY, why: `CHRDEV "${name}" dynamic allocation region is full`, level: 3 };
      major = dynamic;
    }
    const clash = this.char.some(
      (r) => r.major === major && r.baseminor + r.minorct > baseminor && r.baseminor < baseminor + minorct,
    );
    if (clash) return { errno: EBUSY, why: `major ${major}, minors ${baseminor}… are held` };
    this.char.push({ major, baseminor, minorct, name: name.slice(0, 63) });
    this.char.sort((a, b) => a.major - b.major || a.baseminor - b.baseminor);
    return { major };
  }

  /** __unregister_chrdev_region: the region with exactly this major, first minor and count; false when none. */
  unregisterChar(major: number, baseminor: number, minorct: number): boolean {
    const i = this.char.findIndex((r) => r.major === major && r.baseminor === baseminor && r.minorct === minorct);
    if (i === -1) return false;
    this.char.splice(i, 1);
    return true;
  }

  private dynamicCharMajor(): number | undefined {
    for (let i = HASH_SIZE - 1; i >= 234; i--) if (!this.char.some((r) => r.major % HASH_SIZE === i)) return i;
    for (let i = 511; i >= 384; i--) if (!this.char.some((r) => r.major === i)) return i;
    return undefined;
  }

  /** __register_blkdev: major 0 takes the first empty chain from 254 down to 1; a held major is -EBUSY. */
  registerBlock(major: number, name: string): Registration {
    if (major === 0) {
      let index = HASH_SIZE - 1;
      while (index > 0 && this.block.some((b) => b.major % HASH_SIZE === index)) index--;
      if (index === 0) return { errno: EBUSY, why: `__register_blkdev: failed to get major for ${name}`, level: 4 };
      major = index;
    }
    if (major >= MAJOR_MAX)
      return {
        errno: EINVAL,
        why: `__register_blkdev: major requested (${major}) is greater than the maximum (${MAJOR_MAX - 1}) for ${name}`,
        level: 3,
      };
    if (this.block.some((b) => b.major === major))
      return { errno: EBUSY, why: `register_blkdev: cannot get major ${major} for ${name}`, level: 4 };
    this.block.push({ major, name: name.slice(0, 15) });
    this.block.sort((a, b) => a.major - b.major);
    return { major };
  }

  /** unregister_blkdev: removes the major when the name matches (else the kernel WARNs and keeps it). */
  unregisterBlock(major: number, name: string): boolean {
    const i = this.block.findIndex((b) => b.major === major);
    if (i === -1 || this.block[i]!.name !== name.slice(0, 15)) return false;
    this.block.splice(i, 1);
    return true;
  }

  /** fs/proc/devices.c: `%3d %s` per registration, character devices then block devices. */
  procDevices(): string {
    const line = (r: { major: number; name: string }) => `${String(r.major).padStart(3, ' ')} ${r.name}\n`;
    return `Character devices:\n${this.char.map(line).join('')}\nBlock devices:\n${this.block.map(line).join('')}`;
  }

  /** Every registration, for saving. */
  toJSON(): { char: CharRegion[]; block: BlockMajor[] } {
    return { char: this.char.map((r) => ({ ...r })), block: this.block.map((b) => ({ ...b })) };
  }

  /** The registrations as toJSON gave them (checked by the caller). */
  restore(saved: { char: readonly CharRegion[]; block: readonly BlockMajor[] }): void {
    this.char = [...saved.char].sort((a, b) => a.major - b.major || a.baseminor - b.baseminor);
    this.block = [...saved.block].sort((a, b) => a.major - b.major);
  }
}
