import type { CommandModule } from 'yargs';

export const buildCommand: CommandModule = {
  command: 'build',
  describe: 'not available yet',
  handler: () => {
    throw new Error('build: not available yet');
  },
};
