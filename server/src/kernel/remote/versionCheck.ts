/**
 * Before loading: is the .ko built for the kernel the target runs? Its vermagic (read with the
 * project's ELF reader) starts with the release it was built against; `uname -r` gives the target's.
 */
import { readModuleImage, ModuleImageError, type ModuleImage } from '../elf/moduleImage';
import { RemoteError } from './remoteError';

export interface VersionCheck {
  readonly image: ModuleImage;
  /** The release in the module's vermagic. */
  readonly moduleRelease: string;
  readonly targetRelease: string;
}

/** Reads the module and refuses it (version-mismatch, bad-module) unless built for `targetRelease`. */
export function checkModuleVersion(bytes: Uint8Array, file: string, targetRelease: string, host: string): VersionCheck {
  let image: ModuleImage;
  try {
    image = readModuleImage(bytes);
  } catch (error) {
    if (error instanceof ModuleImageError) {
      throw new RemoteError('bad-module', `${file} is not a loadable kernel module: ${error.message}`);
    }
    throw error;
  }
  const vermagic = image.vermagic?.trim();
  if (vermagic === undefined || vermagic === '') {
    throw new RemoteError(
      'version-mismatch',
      `${file} has no vermagic, so the kernel it was built for is unknown; ${host} runs Linux ${targetRelease}: not loaded`,
    );
  }
  const moduleRelease = vermagic.split(/\s+/)[0]!;
  if (moduleRelease !== targetRelease) {
    throw new RemoteError(
      'version-mismatch',
      `${file} was built for Linux ${moduleRelease} (vermagic '${vermagic}'), but ${host} runs Linux ${targetRelease}: ` +
        `not loaded. Rebuild it against ${targetRelease}'s headers (make -C /lib/modules/${targetRelease}/build M=$PWD)`,
    );
  }
  return { image, moduleRelease, targetRelease };
}
