// What every `tikar` subcommand parses the same way: bounded numbers, topic ids, and commander's own
// errors turned into an exit code instead of a thrown exception.
import { type Command, InvalidArgumentError } from 'commander';
import { checkTopicId } from '../gateway/publish/topics.ts';

function range(min: number, max: number): string {
  return max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`;
}

/** An option parser for a number in [min, max]; the error names the option. */
export function numberIn(name: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a number ${range(min, max)}`);
    }
    return value;
  };
}

/** An option parser for a whole number in [min, max]. */
export function integerIn(name: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number ${range(min, max)}`);
    }
    return value;
  };
}

/** An option parser for a village or posyandu id as it may stand in a topic name. */
export function topicIdOption(name: string) {
  return (text: string): string => {
    try {
      return checkTopicId(name, text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

/**
 * Parses `argv` (the words after the subcommand). Returns commander's exit code when it stopped the run
 * (`--help`: 0, a bad option: 2, the message already on stderr), or undefined when the options are ready.
 */
export function parseArgv(program: Command, argv: string[]): number | undefined {
  program.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: 'user' });
    return undefined;
  } catch (error) {
    return (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
}
