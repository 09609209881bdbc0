import type { CommandModule } from 'yargs';

export const runCommand: CommandModule = {
  command: 'run',
  describe: 'not available yet',
  handler: () => {
    throw new Error('run: not available yet');
  },
};
