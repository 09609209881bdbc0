import type { CommandModule } from 'yargs';

export const reportCommand: CommandModule = {
  command: 'report',
  describe: 'not available yet',
  handler: () => {
    throw new Error('report: not available yet');
  },
};
