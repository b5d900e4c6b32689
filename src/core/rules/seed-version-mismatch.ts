import { isScalar, type Node } from 'yaml';
import { getMap, getString, pairOf } from '../yaml/ast';
import { ibuSpecOf } from '../lca/configmaps';
import { atKey, defineRule, sameQuoting } from './helpers';

/** The version-like part of an image tag (`4.17.0-rc.1` in `…/seed:4.17.0-rc.1`), if any. */
function tagVersion(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) return undefined;
  return /\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?/.exec(image.slice(colon + 1))?.[0];
}

function splitVersion(v: string): { core: string; pre?: string } {
  const dash = v.indexOf('-');
  return dash === -1 ? { core: v } : { core: v.slice(0, dash), pre: v.slice(dash + 1) };
}

export const seedVersionRule = defineRule({
  id: 'ibgu/seed-version-mismatch',
  severity: 'warning',
  title: 'The seed image tag and seedImageRef.version disagree',
  evidence: 'LCA takes `seedImageRef.version` as the target (`validateIBUSpec`); the image decides what is installed (advice)',
  docs: 'LCA trusts `seedImageRef.version` as the target version, and the seed image decides what is actually installed. When the tag of the image names another version, one of them is a typo, and the cluster ends up on a version the plan did not intend.',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'document',
  check(resource) {
    const seed = getMap(ibuSpecOf(resource), 'seedImageRef', resource.yaml.anchors);
    const image = getString(seed, 'image', resource.yaml.anchors);
    const version = getString(seed, 'version', resource.yaml.anchors);
    if (!image || !version) return [];
    const tag = tagVersion(image);
    if (!tag) return [];
    const a = splitVersion(tag);
    const b = splitVersion(version);
    if (a.core === b.core && (a.pre === undefined || b.pre === undefined || a.pre === b.pre)) return [];
    const versionNode = pairOf(seed, 'version')!.value as Node & { type?: string };
    // A tag version always has two dots, so it stays a string when written plain.
    const newText = isScalar(versionNode) && versionNode.type !== 'PLAIN' ? sameQuoting(versionNode, tag) : tag;
    return [atKey(seed, 'version', seed, `seedImageRef.version is ${version} but the image tag says ${tag}: one of them is wrong.`, [
      { title: `Set version to ${tag}`, edits: [{ start: versionNode.range![0], end: versionNode.range![1], newText }], preferred: true },
    ])];
  },
});
