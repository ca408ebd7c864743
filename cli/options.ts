// What every `tikar` subcommand parses the same way: bounded numbers, topic ids, months, dates and choices,
// and commander's own errors turned into an exit code instead of a thrown exception. A command's `--help`
// loads this and its own option definitions only: keep what is imported here small.
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { parseMonth } from '../gateway/clock/calendar.ts';
import { isoDateToDays } from '../gateway/growth/age.ts';
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

/** An option parser for a comma-separated list of non-negative numbers (e.g. reference lengths). */
export function numberList(text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new InvalidArgumentError('must be a comma-separated list of non-negative numbers');
  }
  return values;
}

/** A commander argument parser for 'YYYY-MM' that names the option in its error. */
export function monthOption(name: string): (text: string) => string {
  return (text) => {
    if (!parseMonth(text))
      throw new InvalidArgumentError(`${name} must be a month as YYYY-MM, got '${text}'`);
    return text;
  };
}

/** A `--date YYYY-MM-DD` option: a real calendar date. */
export function dateOption(name: string): (text: string) => string {
  return (text: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(isoDateToDays(text))) {
      throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD, got '${text}'`);
    }
    return text;
  };
}

export function choiceOption<T extends string>(name: string, choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got '${text}'`);
    }
    return text as T;
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

/**
 * Runs a command whose actions do their work and resolve to an exit code: wrap each action's work in
 * `action`, then `run` the program. The code is commander's when it stopped the run (0 for `--help`, 2 for a
 * bad option), else the action's; a thrown error is printed as `<name>: <message>` and gives 2 when
 * `isUsageError` says so (a bad file or output the user named), else 1.
 */
export function commandRunner(name: string, isUsageError: (error: unknown) => Promise<boolean> | boolean) {
  let exitCode = 0;
  return {
    action<T>(work: (options: T) => Promise<number>): (options: T) => Promise<void> {
      return async (options) => {
        exitCode = await work(options);
      };
    },
    async run(program: Command, argv: string[]): Promise<number> {
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        process.stderr.write(`${name}: ${(error as Error).message}\n`);
        return (await isUsageError(error)) ? 2 : 1;
      }
      return exitCode;
    },
  };
}
