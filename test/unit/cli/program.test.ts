// The CLI's command tree: a version, and a description for every command, argument and option (what
// `--help` prints), read from the program itself so that a new option without one fails here.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../cli/main.ts';

describe('the portfolio-analytics program', () => {
  it('prints its package version for --version', async () => {
    let printed = '';
    const program = buildProgram()
      .exitOverride()
      .configureOutput({ writeOut: (text) => (printed += text) });
    await expect(program.parseAsync(['node', 'cli', '--version'])).rejects.toMatchObject({
      code: 'commander.version',
    });
    expect(printed.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('describes every command, argument and option', () => {
    const program = buildProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual(
      ['analyze', 'cancel', 'estimate', 'jobs', 'properties', 'redrive', 'results', 'status', 'stress'].sort(),
    );
    const undescribed: string[] = [];
    for (const command of [program, ...program.commands]) {
      if (command.description().trim().length < 10) undescribed.push(command.name());
      for (const argument of command.registeredArguments)
        if (argument.description.trim() === '') undescribed.push(`${command.name()} <${argument.name()}>`);
      for (const option of command.options)
        if (option.description.trim() === '') undescribed.push(`${command.name()} ${option.flags}`);
    }
    expect(undescribed).toEqual([]);
  });
});
