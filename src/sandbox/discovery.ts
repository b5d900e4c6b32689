/** Legacy discovery documents (/api, /apis, /api/v1, /apis/<g>/<v>): kubectl falls back to them from aggregated discovery. */
import type { ApiTypes, ResourceType } from './registry';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function versionInfo(): Record<string, string> {
  return {
    major: '1', minor: '32', gitVersion: 'v1.32.0-ibgu-sandbox', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23.0', compiler: 'gc', platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(types: ApiTypes): Record<string, unknown> {
  const byGroup = new Map<string, string[]>();
  for (const gv of types.groupVersions()) if (gv.group) byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...byGroup].map(([g, v]) => groupEntry(g, v)) };
}

export function apiGroup(types: ApiTypes, group: string): Record<string, unknown> | undefined {
  const versions = types.groupVersions().filter((gv) => gv.group === group).map((gv) => gv.version);
  return versions.length ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) } : undefined;
}

function resourceEntries(t: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories) main.categories = t.categories;
  const out = [main];
  if (t.statusSubresource) out.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
  return out;
}

export function apiResourceList(types: ApiTypes, group: string, version: string): Record<string, unknown> | undefined {
  const gv = types.groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: gv.types.flatMap(resourceEntries) };
}
