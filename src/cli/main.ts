// The `l2angle` command: one sub-command per job. Errors reach the user as one line: usage errors exit
// with status 2, bad input data with status 1; a stack trace only with L2ANGLE_DEBUG=1.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ArtifactError, InputError, UsageError } from '../errors.js';
import { checkResultsFolder } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

type Register = (program: Command) => void;

/**
 * The sub-commands' modules in the order help lists them (with the commands each registers), each loaded
 * only when it is needed: a command loads its own module tree, not the server's, the queue's or the other
 * studies' (`l2angle --version` took 0.85 s with all twelve loaded).
 */
const COMMANDS: readonly (readonly [readonly string[], () => Promise<Register>])[] = [
  [['start', 'serve'], async () => (await import('./commands/start.js')).registerStart],
  [['toy'], async () => (await import('./commands/toy.js')).registerToy],
  [['data'], async () => (await import('./commands/data.js')).registerData],
  [['geometry'], async () => (await import('./commands/geometry.js')).registerGeometry],
  [['svm'], async () => (await import('./commands/svm.js')).registerSvm],
  [['robust'], async () => (await import('./commands/robust.js')).registerRobust],
  [['early-stopping'], async () => (await import('./commands/early-stopping.js')).registerEarlyStopping],
  [['figure'], async () => (await import('./commands/figure.js')).registerFigure],
  [['site'], async () => (await import('./commands/site.js')).registerSite],
  [['train'], async () => (await import('./commands/train.js')).registerTrain],
  // the LeNet studies use the article's settings (seed 0), the same runs `npm start` computes
  [['nn'], async () => (await import('./commands/nn.js')).registerNn],
  [['sweep', 'worker'], async () => (await import('./commands/sweep.js')).registerSweep],
];

/**
 * Builds the command tree; exported so tests can drive it without a child process. With `argv`, only the
 * sub-commands named in it are registered (all of them when it names none: help, version, a typo that
 * gets a suggestion).
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('l2angle')
    .description(
      'A New Angle on L2 Regularization: the tilting angle of linear classifiers, exact SVM paths on MNIST, and the interactive article.',
    )
    .version(version, '-v, --version')
    .option('--results <dir>', 'results folder that experiments write and the article reads', 'results')
    .showSuggestionAfterError(true)
    // a --results that names a file is refused before any computation starts
    .hook('preAction', (command) => checkResultsFolder(command.optsWithGlobals().results))
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`l2angle: ${text.replace(/^error: /, '').trim()}\n`),
    });
  const named = COMMANDS.filter(([names]) => names.some((name) => argv?.includes(name)));
  for (const [, load] of named.length > 0 ? named : COMMANDS) (await load())(program);
  return program;
}

/** Runs the CLI with the given arguments and returns the exit status instead of exiting. */
export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are "errors" to commander; everything else is a usage error it already printed
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? 0
        : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`l2angle: ${error.message}\n`);
      return 2;
    }
    if (error instanceof InputError || error instanceof ArtifactError) {
      process.stderr.write(`l2angle: ${error.message}\n`);
      return 1;
    }
    if (process.env.L2ANGLE_DEBUG) throw error;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`l2angle: internal error: ${message} (set L2ANGLE_DEBUG=1 for details)\n`);
    return 1;
  }
}
