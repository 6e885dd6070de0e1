import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const REPOSITORY_ROOT = path.resolve(__dirname, '../..');
export const SAMPLES = path.join(REPOSITORY_ROOT, 'samples');
const SOURCES = path.join(REPOSITORY_ROOT, 'test/fixtures/sources');

/** The fixture C files, by name: one typed map instead of paths spread over the tests. */
export const SOURCE_FIXTURES = {
  annotations: path.join(SOURCES, 'annotations.c'),
  binary: path.join(SOURCES, 'binary.c'),
  conditional: path.join(SOURCES, 'conditional.c'),
  driverWrapper: path.join(SOURCES, 'driver-wrapper.c'),
  empty: path.join(SOURCES, 'empty.c'),
  invalidUtf8: path.join(SOURCES, 'invalid-utf8.c'),
  noSemicolons: path.join(SOURCES, 'no-semicolons.c'),
  notAModule: path.join(SOURCES, 'not-a-module.c'),
} as const;

export const SAMPLE_FILES = {
  hello: path.join(SAMPLES, 'hello/hello.c'),
  provider: path.join(SAMPLES, 'provider/provider.c'),
  consumer: path.join(SAMPLES, 'consumer/consumer.c'),
  params: path.join(SAMPLES, 'params/params.c'),
  chardev: path.join(SAMPLES, 'chardev/chardev.c'),
  platform: path.join(SAMPLES, 'platform/platform.c'),
  missingLicense: path.join(SAMPLES, 'broken/missing-license/nolicense.c'),
} as const;

/** A composite Kbuild module: twofile.o made of main.o and helper.o. */
export const TWO_FILE_MODULE = {
  main: path.join(REPOSITORY_ROOT, 'test/fixtures/modules/twofile/main.c'),
  helper: path.join(REPOSITORY_ROOT, 'test/fixtures/modules/twofile/helper.c'),
} as const;

/** A miniature kernel build tree (include/linux/module.h, a subsystem header with a wrapper macro). */
export const FIXTURE_KERNEL_HEADERS = path.join(REPOSITORY_ROOT, 'test/fixtures/kernel-headers');
export const WIDGET_MODULE = path.join(REPOSITORY_ROOT, 'test/fixtures/modules/widget/widget_demo.c');

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** A tiny kernel profile (Module.symvers and System.map lines) matching the fixture headers' lkmtest-api.h. */
export const FIXTURE_PROFILE = {
  moduleSymvers: path.join(REPOSITORY_ROOT, 'test/fixtures/symbol-checks/profile.symvers'),
  kallsyms: path.join(REPOSITORY_ROOT, 'test/fixtures/symbol-checks/profile.map'),
};
export const SYMBOL_CHECK_FIXTURES = path.join(REPOSITORY_ROOT, 'test/fixtures/symbol-checks');
