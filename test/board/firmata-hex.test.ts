// The committed StandardFirmata HEX is what the unchanged upstream sources build to with Debian's AVR
// toolchain (scripts/build-firmata.sh). Without ../shared or the toolchain it fails, saying which is missing.
// Another avr-gcc than BUILD-INFO's emits other bytes: the failure says so (rebuild and commit the HEX with it).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../../scripts/shared-dir.ts';
import { needs } from '../helpers/prerequisite.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { FIRMATA_HEX_PATH } from './avr/firmata-hex.ts';

const root = resolve(import.meta.dirname, '..', '..');
const shared = process.env.TIKAR_SHARED_DIR ?? sharedDir(root);
const sketch = join(
  shared,
  'arduino-libraries',
  'Firmata',
  'examples',
  'StandardFirmata',
  'StandardFirmata.ino',
);
const builtWith = /^avr-gcc (\S+)$/m.exec(
  readFileSync(join(root, 'device', 'firmata', 'BUILD-INFO'), 'utf8'),
)?.[1];
const localGcc = (() => {
  try {
    return execFileSync('avr-gcc', ['-dumpversion'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();
const hasToolchain = existsSync('/usr/share/arduino/Arduino.mk') && localGcc !== undefined;
const toolchain =
  'the AVR toolchain (bash scripts/install.sh --test: gcc-avr avr-libc arduino-core-avr arduino-mk)';

const build = async (args: string[], committed: string) => {
  const dir = await tmpDir('tikar-firmata-');
  try {
    const out = join(dir.path, 'fresh.hex');
    execFileSync('bash', [join(root, 'scripts', 'build-firmata.sh'), ...args, out], {
      env: { ...process.env, TIKAR_SHARED_DIR: shared },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    expect(
      readFileSync(out, 'ascii'),
      `a fresh build with avr-gcc ${localGcc} (device/firmata/BUILD-INFO: ${builtWith}) differs from ${committed}`,
    ).toBe(readFileSync(committed, 'ascii'));
  } finally {
    await dir.cleanup();
  }
};

describe('the HEX files the emulated board runs', { timeout: 120_000 }, () => {
  it('the not-Firmata test sketch equals a fresh build', () => {
    needs(hasToolchain, toolchain);
    return build(['--other'], join(root, 'test', 'board', 'avr', 'print-text.uno.hex'));
  });

  it('StandardFirmata: a fresh build from ../shared equals the committed file, byte for byte', async () => {
    needs(hasToolchain, toolchain);
    needs(existsSync(sketch), `${sketch} (../shared beside the repository, or TIKAR_SHARED_DIR)`);
    await build(['--out'], FIRMATA_HEX_PATH);
  });
});
