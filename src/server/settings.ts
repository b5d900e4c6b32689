import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, type ServerSettings } from '../shared/lsp-protocol';
import type { LintOptions, Severity } from '../core/index';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Settings as the client gives them, checked: a wrong value falls back to the default instead of breaking validation. */
export function normalize(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Partial<Record<keyof ServerSettings, unknown>>;
  const rules: Record<string, string> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, level] of Object.entries(r.rules as Record<string, unknown>)) if (typeof level === 'string' && SEVERITIES.has(level)) rules[id] = level;
  }
  return {
    lvms: r.lvms === 'on' || r.lvms === 'off' ? r.lvms : 'auto',
    rules,
    workspaceContext: typeof r.workspaceContext === 'boolean' ? r.workspaceContext : DEFAULT_SETTINGS.workspaceContext,
    maxFileSizeKb: typeof r.maxFileSizeKb === 'number' && r.maxFileSizeKb > 0 ? r.maxFileSizeKb : DEFAULT_SETTINGS.maxFileSizeKb,
  };
}

export function lintOptions(settings: ServerSettings): LintOptions {
  return { lvms: settings.lvms, severities: settings.rules as Record<string, Severity | 'off'> };
}

/** Pulls `ibgu.*` from the client when it supports workspace/configuration, else keeps what it had. */
export async function pull(connection: Connection, supported: boolean, fallback: ServerSettings): Promise<ServerSettings> {
  if (!supported) return fallback;
  try {
    const [section] = await connection.workspace.getConfiguration([{ section: 'ibgu' }]);
    return normalize({ ...fallback, ...(section ?? {}) });
  } catch {
    return fallback;
  }
}
