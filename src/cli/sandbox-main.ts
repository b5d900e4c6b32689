/** The standalone sandbox bundle (dist/sandbox.js): the same as `ibgu sandbox`. */
import { runSandbox } from './sandbox';
import { limitHeapGrowth } from '../sandbox/index';

// This process runs the sandbox and nothing else.
limitHeapGrowth();

void runSandbox(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
