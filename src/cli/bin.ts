/**
 * The `ibgu` binary. Kept apart from main.ts so that importing the CLI (tests, the sandbox bundle) never
 * runs it: a bundle's entry point is `require.main` for whatever imports it.
 */
import { main, processIo } from './main';

main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
