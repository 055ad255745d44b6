// The `l2angle` command: one sub-command per job. Errors reach the user as one line: usage errors exit
// with status 2, bad input data with status 1; a stack trace only with L2ANGLE_DEBUG=1.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { ArtifactError } from '../schema/artifacts.js';
import { registerData } from './commands/data.js';
import { registerEarlyStopping } from './commands/early-stopping.js';
import { registerFigure } from './commands/figure.js';
import { registerGeometry } from './commands/geometry.js';
import { registerNn } from './commands/nn.js';
import { registerRobust } from './commands/robust.js';
import { registerSite } from './commands/site.js';
import { registerStart } from './commands/start.js';
import { registerSvm } from './commands/svm.js';
import { registerSweep } from './commands/sweep.js';
import { registerToy } from './commands/toy.js';
import { registerTrain } from './commands/train.js';
import { checkResultsFolder } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Builds the command tree; exported so tests can drive it without a child process. */
export function buildProgram(): Command {
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
  registerStart(program);
  registerToy(program);
  registerData(program);
  registerGeometry(program);
  registerSvm(program);
  registerRobust(program);
  registerEarlyStopping(program);
  registerFigure(program);
  registerSite(program);
  registerTrain(program);
  // the LeNet studies use the article's settings (seed 0), the same runs `npm start` computes
  registerNn(program);
  registerSweep(program);
  return program;
}

/** Runs the CLI with the given arguments and returns the exit status instead of exiting. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
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
