import { Command, InvalidArgumentError } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { integerIn, numberIn, parseArgv, topicIdOption } from '../../cli/options.ts';

describe('tikar option parsers', () => {
  it('accept numbers inside the bounds, ends included', () => {
    expect(numberIn('--speed', 0.1, 1000)('0.1')).toBe(0.1);
    expect(numberIn('--speed', 0.1, 1000)('1000')).toBe(1000);
    expect(integerIn('--http', 0, 65535)('8080')).toBe(8080);
    expect(numberIn('--settle', 0)('1e6')).toBe(1e6);
  });

  it('refuse what is outside, not a number, blank or fractional, naming the option', () => {
    expect(() => numberIn('--speed', 0.1, 1000)('0.05')).toThrow('--speed must be a number from 0.1 to 1000');
    expect(() => numberIn('--settle', 0)('-1')).toThrow('--settle must be a number of at least 0');
    expect(() => numberIn('--noise', 0, 50)(' ')).toThrow(InvalidArgumentError);
    expect(() => numberIn('--noise', 0, 50)('NaN')).toThrow(InvalidArgumentError);
    expect(() => integerIn('--http', 0, 65535)('80.5')).toThrow(
      '--http must be a whole number from 0 to 65535',
    );
    expect(() => integerIn('--count', 1)('0')).toThrow('--count must be a whole number of at least 1');
  });

  it('check topic ids', () => {
    expect(topicIdOption('--village')('sukamaju')).toBe('sukamaju');
    expect(() => topicIdOption('--village')('desa/#')).toThrow(InvalidArgumentError);
  });

  it('turn help into exit code 0 and a bad option into 2, without throwing', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const command = () => new Command('tikar x').option('--n <n>', 'a number', integerIn('--n', 1, 9));
      expect(parseArgv(command(), ['--help'])).toBe(0);
      expect(parseArgv(command(), ['--n', '10'])).toBe(2);
      expect(parseArgv(command(), ['--nope'])).toBe(2);
      const ok = command();
      expect(parseArgv(ok, ['--n', '3'])).toBeUndefined();
      expect(ok.opts()).toEqual({ n: 3 });
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });
});
