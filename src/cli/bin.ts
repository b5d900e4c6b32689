/**
 * The `ibgu` binary. Kept apart from main.ts so that importing the CLI (tests, the sandbox bundle) never
 * runs it: a bundle's entry point is `require.main` for whatever imports it.
 */
import { main, processIo } from './main';
import { limitHeapGrowth } from '../sandbox/index';

// `ibgu sandbox` runs the sandbox and nothing else in this process.
if (process.argv[2] === 'sandbox') limitHeapGrowth();

main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
