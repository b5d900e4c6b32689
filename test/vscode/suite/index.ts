/**
 * The extension-tests entry point VS Code loads (extensionTestsPath): runs every *.suite.js bundled beside
 * this file with mocha and rejects when a test fails, which makes the run's exit status 1.
 */
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000 });
  // One session loads the Red Hat YAML stand-in and runs only its suite; the main session runs the rest.
  const withYaml = process.env.IBGU_SUITES === 'yaml-extension';
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.suite.js') && (name === 'yaml-extension.suite.js') === withYaml).sort();
  if (files.length === 0) throw new Error(`no *.suite.js next to ${__filename}`);
  for (const name of files) mocha.addFile(path.join(__dirname, name));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension test(s) failed`);
}
