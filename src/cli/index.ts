// First, before the AWS SDK loads: no Node-version notice from the SDK for users of the command.
import './sdk-environment';
import { main } from './main';

// `ami-tagger ... | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void main(process.argv);
