/**
 * The version of the `yaml` library that fast.ts was checked against. fast.ts builds the library's node
 * classes itself (Pair, Scalar, YAMLMap, YAMLSeq with their fields, source, type, flow flag and ranges) and
 * must build exactly what the library's own parser builds, so package.json pins `yaml` to this exact version.
 *
 * When bumping `yaml`: run the fast-yaml differential suite (test/core/yaml/fast.test.ts, with a large
 * IBGU_FUZZ_RUNS), and depth.test.ts (depth.ts drives the library's Lexer, Parser and Composer token by
 * token); read the library's changelog for changes to node fields, scalar types or ranges; then change this
 * constant and the exact version in package.json together. test/core/yaml/yaml-version.test.ts fails until
 * they agree with the installed library.
 */
export const YAML_CHECKED_VERSION = '2.9.1';
