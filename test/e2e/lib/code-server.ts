/**
 * The code-server part the drivers of the packaged extension share (quickfix.ts, hub.ts): a fresh code-server
 * with the .vsix installed, on a copy of the test workspace, disposed at the end of the run.
 */
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { VsCodeSession } from '../../vscode/runner/session';
import { step, type DriverRun } from './driver';

/** A started code-server, a chromium page on it, and the workbench URL of the copied workspace. */
export interface CodeServer {
  session: VsCodeSession;
  page: Page;
  workbenchUrl: string;
}

/**
 * Copies test/vscode/workspace into `scratch`, starts code-server with `vsix` installed and `settings`, and opens
 * a page (the run's failure page; the code-server log's tail is its failure note). Not yet navigated.
 */
export async function startCodeServer(run: DriverRun, scratch: string, vsix: string, settings?: Record<string, unknown>): Promise<CodeServer> {
  const workspace = path.join(scratch, 'workspace');
  cpSync(path.join(run.root, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
  const session = await VsCodeSession.start({ toolchain: run.toolchain, vsixes: [vsix], settings });
  run.cleanUp(() => session.dispose());
  run.failureNotes = () => `code-server log (tail):\n${session.logTail(20)}\nIBGU Tools log (tail):\n${session.extensionLogTail('ibgu-tools.ibgu-tools')}`;
  step(`code-server with the installed .vsix on ${session.baseUrl}`);
  run.page = await session.openPage();
  return { session, page: run.page, workbenchUrl: session.workbenchUrl(workspace) };
}
