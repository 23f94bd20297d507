// A sample operator flow through every real kubectl on the machine (1.27–1.33 and PATH's) against `wheelhouse
// up`: apply a CustomResourceDefinition, wait for Established, create, list (printer columns, short
// name, category), explain, scale and patch custom objects, see invalid ones refused with upstream's
// texts, and delete the CRD to see its objects go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { CONFLICT_HELP, findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, parseBlock, renderBlock } from '../support/table.ts';

// Every kubectl on the machine: the operator flow is what issue 9 asks each version to pass.
const binaries = findKubectlBinaries();

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1', '--nodes', '1'] });

const T = { timeout: 120_000 };

function suffix(bin: KubectlBinary): string {
  return bin.onPath ? 'path' : `${bin.major}-${bin.minor}`;
}

function crd(group: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.${group}
spec:
  group: ${group}
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A schedule of commands.
        properties:
          spec:
            type: object
            description: What to run and when.
            properties:
              cronSpec:
                type: string
                description: The schedule in cron format.
                pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
              image:
                type: string
              replicas:
                type: integer
                minimum: 0
                default: 1
          status:
            type: object
            properties:
              replicas:
                type: integer
              selector:
                type: string
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
`;
}

function crontab(group: string, name: string, spec: string): string {
  return `apiVersion: ${group}/v1
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}`;
}

for (const bin of binaries) {
  const sfx = suffix(bin);
  const group = `stable-${sfx}.example.com`;
  const ns = `crds-${sfx}`;

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 60_000);

    it('applies a CRD and waits for it to be Established', T, async () => {
      await k.okPrints(['apply', '-f', k.writeFile('crd.yaml', crd(group))], `customresourcedefinition.apiextensions.k8s.io/crontabs.${group} created\n`);
      await k.okPrints(
        ['wait', '--for', 'condition=established', '--timeout=30s', `crd/crontabs.${group}`],
        `customresourcedefinition.apiextensions.k8s.io/crontabs.${group} condition met\n`,
      );
      const r = await k.ok(['api-resources', `--api-group=${group}`]);
      const rows = parseBlock(r.stdout);
      assert.deepEqual(rows[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], show(r));
      assert.deepEqual(rows[1], ['crontabs', 'ct', `${group}/v1`, 'true', 'CronTab'], show(r));
    });

    it('creates custom objects and lists them with the printer columns', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(
        ['-n', ns, 'apply', '-f', k.writeFile('ct.yaml', crontab(group, 'nightly', '  cronSpec: "0 3 * * *"\n  image: backup:1\n'))],
        `crontab.${group}/nightly created\n`,
      );
      const r = await k.ok(['-n', ns, 'get', 'crontabs']);
      assert.equal(r.stdout, renderBlock(parseBlock(r.stdout)), `column layout differs from kubectl's\n${show(r)}`);
      const rows = parseBlock(r.stdout);
      assert.deepEqual(rows[0], ['NAME', 'SPEC', 'REPLICAS', 'AGE'], show(r));
      assert.deepEqual(rows[1]!.slice(0, 3), ['nightly', '0 3 * * *', '1'], show(r));
      assert.match(rows[1]![3]!, AGE, show(r));
      // The short name and the `all` category reach it too.
      const short = await k.ok(['-n', ns, 'get', 'ct', 'nightly', '-o', 'jsonpath={.spec.replicas}']);
      assert.equal(short.stdout, '1', show(short));
      const cat = await k.ok(['-n', ns, 'get', 'all']);
      assert.match(cat.stdout, new RegExp(`crontab\\.${group.replace(/\./g, '\\.')}/nightly`), show(cat));
    });

    it('get -w prints every event as a row with the printer columns', T, async () => {
      const w = k.spawn(['-n', ns, 'get', 'crontabs', '-w']);
      const rows = (out: string, name: string) => out.split('\n').filter((l) => l.startsWith(`${name} `));
      try {
        assert.ok(await w.waitFor((out) => rows(out, 'nightly').length >= 1, 20_000), `no initial row\n${w.stdout()}${w.stderr()}`);
        await k.okPrints(
          ['-n', ns, 'apply', '-f', k.writeFile('hourly.yaml', crontab(group, 'hourly', '  cronSpec: "0 * * * *"\n  replicas: 2\n'))],
          `crontab.${group}/hourly created\n`,
        );
        assert.ok(await w.waitFor((out) => rows(out, 'hourly').length >= 1, 20_000), `no row for the new object\n${w.stdout()}${w.stderr()}`);
      } finally {
        const out = await w.stop();
        const header = out.stdout.split('\n')[0]!.split(/\s{2,}/);
        assert.deepEqual(header, ['NAME', 'SPEC', 'REPLICAS', 'AGE'], show(out));
        const added = rows(out.stdout, 'hourly')[0]!.split(/\s{2,}/);
        assert.deepEqual(added.slice(0, 3), ['hourly', '0 * * * *', '2'], show(out));
        assert.match(added[3]!, AGE, show(out));
      }
    });

    it('explains the custom kind from the published schema', T, async () => {
      const r = await k.ok(['explain', `crontabs.spec`, `--api-version=${group}/v1`]);
      assert.match(r.stdout, /KIND:\s+CronTab/, show(r));
      assert.match(r.stdout, /The schedule in cron format\./, show(r));
      assert.match(r.stdout, /cronSpec\s+<string>/, show(r));
    });

    it('scales through the scale subresource and patches with merge and JSON patches', T, async () => {
      await k.okPrints(['-n', ns, 'scale', 'crontab/nightly', '--replicas=3'], `crontab.${group}/nightly scaled\n`);
      const scaled = await k.ok(['-n', ns, 'get', 'crontab', 'nightly', '-o', 'jsonpath={.spec.replicas}']);
      assert.equal(scaled.stdout, '3', show(scaled));
      await k.okPrints(['-n', ns, 'patch', 'crontab', 'nightly', '--type=merge', '-p', '{"spec":{"image":"backup:2"}}'], `crontab.${group}/nightly patched\n`);
      await k.okPrints(
        ['-n', ns, 'patch', 'crontab', 'nightly', '--type=json', '-p', '[{"op":"replace","path":"/spec/cronSpec","value":"0 4 * * *"}]'],
        `crontab.${group}/nightly patched\n`,
      );
      const smp = await k.run(['-n', ns, 'patch', 'crontab', 'nightly', '-p', '{"spec":{"image":"backup:3"}}']);
      assert.equal(smp.code, 1, show(smp));
      // kubectl words the server's 415 itself for kinds it cannot strategic-merge.
      assert.equal(
        smp.stderr,
        `error: application/strategic-merge-patch+json is not supported by ${group}/v1, Kind=CronTab: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n`,
        show(smp),
      );
    });

    it('applies server-side with two managers: a conflict, --force-conflicts, ownership kept', T, async () => {
      const weekly = (spec: string) => k.writeFile('weekly.yaml', crontab(group, 'weekly', spec));
      await k.okPrints(
        ['-n', ns, 'apply', '--server-side', '--field-manager=ops', '-f', weekly('  cronSpec: "0 0 * * 0"\n  image: report:1\n')],
        `crontab.${group}/weekly serverside-applied\n`,
      );
      const conflict = await k.run(['-n', ns, 'apply', '--server-side', '--field-manager=other', '-f', weekly('  image: report:2\n')]);
      assert.equal(conflict.code, 1, show(conflict));
      assert.equal(conflict.stderr, `error: Apply failed with 1 conflict: conflict with "ops": .spec.image\n${CONFLICT_HELP}`, show(conflict));
      await k.okPrints(
        ['-n', ns, 'apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', weekly('  image: report:2\n')],
        `crontab.${group}/weekly serverside-applied\n`,
      );
      // ops stops applying the image it no longer owns: the field stays, with its new owner.
      await k.okPrints(
        ['-n', ns, 'apply', '--server-side', '--field-manager=ops', '-f', weekly('  cronSpec: "0 0 * * 0"\n')],
        `crontab.${group}/weekly serverside-applied\n`,
      );
      const got = await k.ok(['-n', ns, 'get', 'crontab', 'weekly', '-o', 'json', '--show-managed-fields']);
      const obj = JSON.parse(got.stdout) as { spec: Record<string, unknown>; metadata: { managedFields: { manager: string; operation: string }[] } };
      assert.deepEqual(obj.spec, { cronSpec: '0 0 * * 0', image: 'report:2', replicas: 1 }, show(got));
      assert.deepEqual(
        obj.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`).sort(),
        ['ops/Apply', 'other/Apply'],
        show(got),
      );
    });

    it('refuses invalid objects and unknown fields with upstream texts', T, async () => {
      const bad = await k.run(['-n', ns, 'apply', '-f', k.writeFile('bad.yaml', crontab(group, 'bad', '  cronSpec: "every day"\n  replicas: -1\n'))]);
      assert.equal(bad.code, 1, show(bad));
      assert.match(bad.stderr, new RegExp(`^The CronTab "bad" is invalid: \\n\\* spec\\.cronSpec: Invalid value: "every day": spec\\.cronSpec in body should match`), show(bad));
      assert.match(bad.stderr, /\* spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0\n$/, show(bad));
      const unknown = await k.run(['-n', ns, 'create', '-f', k.writeFile('unknown.yaml', crontab(group, 'odd', '  cronSpec: "0 1 * * *"\n  colour: red\n'))]);
      assert.equal(unknown.code, 1, show(unknown));
      assert.match(unknown.stderr, /unknown field "spec\.colour"/, show(unknown));
    });

    it('deleting the CRD deletes its objects and the resource', T, async () => {
      await k.okPrints(['delete', 'crd', `crontabs.${group}`], `customresourcedefinition.apiextensions.k8s.io "crontabs.${group}" deleted\n`);
      // api-resources reads discovery afresh (get would trust kubectl's discovery cache, as against any cluster).
      const resources = await k.ok(['api-resources', `--api-group=${group}`]);
      assert.doesNotMatch(resources.stdout, /crontabs/, show(resources));
      const gone = await k.run(['-n', ns, 'get', 'crontabs']);
      assert.equal(gone.code, 1, show(gone));
      assert.equal(gone.stderr, `error: the server doesn't have a resource type "crontabs"\n`, show(gone));
    });
  });
}
