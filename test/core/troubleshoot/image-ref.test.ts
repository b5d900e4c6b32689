/** must-gather image references and argument arrays; expectations from the guide's "Collecting logs" and the reference grammar. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCUMENTED_MUST_GATHER_IMAGES, imageReferenceProblem, mustGatherArgs, mustGatherChoice, safeFolderName } from '../../../src/core/troubleshoot/index';

const DIGEST = 'sha256:' + '5b2f1c0e9f4d8a7c6b3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b';

describe('imageReferenceProblem', () => {
  const valid = [
    'registry.example.com:5000/ns/img:tag',
    'quay.io/konveyor/oadp-must-gather:latest',
    'quay.io/openshift/origin-must-gather:latest',
    `registry.redhat.io/openshift4/lifecycle-agent-rhel9-operator@${DIGEST}`,
    `quay.io/ns/img:v4.18.9@${DIGEST}`,
    'localhost:5000/img',
    'busybox',
    'library/busybox:1.36',
    'my-registry.example.com/a/b/c/d__e.f-g:1.0_rc-1',
  ];
  for (const ref of valid) test(`valid: ${ref}`, () => assert.equal(imageReferenceProblem(ref), undefined));

  const invalid: [string, string, RegExp][] = [
    ['command substitution', '$(rm -rf /)', /metacharacter "\$"|whitespace/],
    ['an option', '--foo', /starts with "-"/],
    ['a command list', 'img; ls', /whitespace|metacharacter/],
    ['a semicolon without space', 'img;ls', /metacharacter ";"/],
    ['spaces', 'quay.io/ns/img :tag', /whitespace/],
    ['uppercase path', 'quay.io/NS/Img:tag', /lowercase/],
    ['a newline', 'quay.io/ns/img\n--image=evil', /whitespace/],
    ['empty', '', /empty/],
    ['513 characters', 'a'.repeat(513), /512/],
    ['a short digest', 'quay.io/ns/img@sha256:abc', /digest/],
    ['a backtick', 'quay.io/ns/`id`', /metacharacter/],
    ['a pipe', 'quay.io/ns/img|sh', /metacharacter "\|"/],
    ['an empty path component', 'quay.io//img', /empty/],
    ['a tag starting with a dot', 'quay.io/ns/img:.x', /tag/],
    ['a bad registry port', 'quay.io:port/ns/img', /registry/],
  ];
  for (const [what, ref, why] of invalid) {
    test(`invalid: ${what}`, () => {
      const problem = imageReferenceProblem(ref);
      assert.ok(problem, `${JSON.stringify(ref)} should be refused`);
      assert.match(problem!, why);
    });
  }
  test('512 characters is still allowed', () => assert.equal(imageReferenceProblem('a'.repeat(512)), undefined));
});

describe('mustGatherArgs', () => {
  test('the guide\'s command as an argument array: dest dir, then one --image per image, no shell', () => {
    const lca = `registry.redhat.io/openshift4/lifecycle-agent-rhel9-operator@${DIGEST}`;
    assert.deepEqual(mustGatherArgs('must-gather/tmp', [lca, 'quay.io/konveyor/oadp-must-gather:latest', 'quay.io/openshift/origin-must-gather:latest']), [
      'adm', 'must-gather', '--dest-dir=must-gather/tmp',
      `--image=${lca}`, '--image=quay.io/konveyor/oadp-must-gather:latest', '--image=quay.io/openshift/origin-must-gather:latest',
    ]);
  });
  test('a repeated image is passed once', () => {
    assert.deepEqual(mustGatherArgs('/tmp/mg', ['quay.io/a/b:1', 'quay.io/a/b:1']), ['adm', 'must-gather', '--dest-dir=/tmp/mg', '--image=quay.io/a/b:1']);
  });
  test('refuses a bad image, no image, or no directory', () => {
    assert.throws(() => mustGatherArgs('/tmp/mg', ['quay.io/a/b:1', '$(reboot)']), /refusing must-gather image "\$\(reboot\)"/);
    assert.throws(() => mustGatherArgs('/tmp/mg', []), /at least one image/);
    assert.throws(() => mustGatherArgs('  ', ['quay.io/a/b:1']), /destination directory/);
    assert.throws(() => mustGatherArgs('/tmp/a\nb', ['quay.io/a/b:1']), /destination directory/);
  });
  test('the documented extra images are OADP\'s and the general one, each valid', () => {
    assert.deepEqual(DOCUMENTED_MUST_GATHER_IMAGES.map((i) => i.image), ['quay.io/konveyor/oadp-must-gather:latest', 'quay.io/openshift/origin-must-gather:latest']);
    for (const i of DOCUMENTED_MUST_GATHER_IMAGES) {
      assert.equal(imageReferenceProblem(i.image), undefined);
      assert.ok(i.label && i.detail);
    }
  });
});

describe('mustGatherChoice', () => {
  const LCA = `registry.redhat.io/openshift4/lifecycle-agent-rhel9-operator@${DIGEST}`;
  const OADP = 'quay.io/konveyor/oadp-must-gather:latest';
  const GENERAL = 'quay.io/openshift/origin-must-gather:latest';
  const ATTACKER = 'quay.io/attacker/gather:1';
  const picked = (c: ReturnType<typeof mustGatherChoice>) => c.candidates.filter((x) => x.picked).map((x) => x.image);

  test('nothing asked: the picker, with the LCA image and OADP\'s checked', () => {
    const c = mustGatherChoice(LCA);
    assert.equal(c.needsPicker, true);
    assert.deepEqual(c.candidates.map((x) => [x.image, x.origin]), [[LCA, 'lca'], [OADP, 'documented'], [GENERAL, 'documented']]);
    assert.deepEqual(picked(c), [LCA, OADP]);
  });

  test("'default', or only the LCA and documented images: taken as asked, no picker", () => {
    assert.deepEqual(mustGatherChoice(LCA, 'default'), { ...mustGatherChoice(LCA, 'default'), needsPicker: false, chosen: [LCA, OADP], refused: [] });
    assert.deepEqual(mustGatherChoice(undefined, 'default').chosen, [OADP], 'without a usable LCA image, OADP\'s alone');
    assert.deepEqual(mustGatherChoice(LCA, [GENERAL, LCA]).chosen, [LCA, GENERAL]);
  });

  test('any other image sends the user to the picker, where it is offered unchecked and marked as asked for', () => {
    for (const lca of [LCA, undefined]) {
      const c = mustGatherChoice(lca, [ATTACKER]);
      assert.equal(c.needsPicker, true);
      assert.deepEqual(c.chosen, []);
      const offered = c.candidates.find((x) => x.image === ATTACKER);
      assert.deepEqual(offered, { image: ATTACKER, origin: 'requested', picked: false });
      assert.deepEqual(picked(c), [], 'nothing checked but what the caller asked for among the known images');
    }
    const mixed = mustGatherChoice(LCA, [LCA, ATTACKER]);
    assert.deepEqual(picked(mixed), [LCA]);
    assert.equal(mixed.candidates.find((x) => x.image === ATTACKER)?.picked, false);
  });

  test('the LCA image counts as the cluster\'s own only when it is an image reference; a non-reference is never offered', () => {
    const c = mustGatherChoice('quay.io/x:1;touch /tmp/p', 'default');
    assert.deepEqual(c.chosen, [OADP]);
    assert.ok(!c.candidates.some((x) => x.image.includes('touch')));
    const r = mustGatherChoice(LCA, ['$(reboot)', OADP]);
    assert.equal(r.needsPicker, true);
    assert.deepEqual(r.refused.map((x) => x.image), ['$(reboot)']);
    assert.ok(!r.candidates.some((x) => x.image === '$(reboot)'));
  });
});

describe('safeFolderName', () => {
  test('a name from a hub cannot climb out of the folder or hide', () => {
    assert.equal(safeFolderName('sno-0001'), 'sno-0001');
    assert.equal(safeFolderName('../../etc'), '__.._etc');
    assert.equal(safeFolderName('..'), '_');
    assert.equal(safeFolderName('a/b\\c\n'), 'a_b_c_');
    assert.equal(safeFolderName(''), '_');
  });
});
