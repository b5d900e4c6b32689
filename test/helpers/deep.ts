import { MAX_DEPTH } from '../../src/core/index';

/**
 * Deeply nested documents for the depth limit's tests: an IBGU whose `spec.deep` holds `depth` nested
 * collections of one shape, and where the collection that crosses MAX_DEPTH starts (0-based, as in LSP).
 */
export interface DeepDocument {
  text: string;
  /** The start of the first collection past the limit. */
  crossing: { line: number; character: number };
}

const HEAD = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: deep
  namespace: ztp
spec:
`;
const HEAD_LINES = HEAD.split('\n').length - 1;
/** The root mapping is level 1 and `spec`'s mapping level 2: the `deep` value's first collection is level 3. */
const FIRST_LEVEL = 3;
/** The index (from 0) of the collection at level MAX_DEPTH + 1 among the nested ones. */
const CROSSING = MAX_DEPTH + 1 - FIRST_LEVEL;

export type Shape = 'block mapping' | 'block sequence' | 'flow sequence' | 'flow mapping';
export const SHAPES: readonly Shape[] = ['block mapping', 'block sequence', 'flow sequence', 'flow mapping'];

/**
 * `depth` nested collections. Block collections nest one column deeper per level (as a generator or a
 * careless edit writes them) while that stays under 5 MB, about 3,000 levels; deeper ones use the compact
 * forms, `? ? ? x` and `- - - x`, which nest two columns per level on a single line.
 */
export function deepDocument(shape: Shape, depth: number): DeepDocument {
  const compact = depth > 3000;
  switch (shape) {
    case 'block mapping': {
      if (compact) return { text: `${HEAD}  deep:\n    ${'? '.repeat(depth)}x\n`, crossing: { line: HEAD_LINES + 1, character: 4 + 2 * CROSSING } };
      const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(3 + i)}k${i}:`);
      return { text: `${HEAD}  deep:\n${lines.join('\n')} x\n`, crossing: { line: HEAD_LINES + 1 + CROSSING, character: 3 + CROSSING } };
    }
    case 'block sequence': {
      if (compact) return { text: `${HEAD}  deep:\n    ${'- '.repeat(depth)}x\n`, crossing: { line: HEAD_LINES + 1, character: 4 + 2 * CROSSING } };
      const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(3 + i)}-`);
      return { text: `${HEAD}  deep:\n${lines.join('\n')}\n${' '.repeat(3 + depth)}x\n`, crossing: { line: HEAD_LINES + 1 + CROSSING, character: 3 + CROSSING } };
    }
    case 'flow sequence':
      return { text: `${HEAD}  deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, crossing: { line: HEAD_LINES, character: 8 + CROSSING } };
    case 'flow mapping':
      return { text: `${HEAD}  deep: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`, crossing: { line: HEAD_LINES, character: 8 + 4 * CROSSING } };
  }
}

/** The depths the tests go to: past the limit, past where the parsers used to overflow, and far past. */
export const DEPTHS = [1_000, 3_000, 10_000, 50_000] as const;
