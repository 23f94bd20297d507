// Real kubectl binaries (PATH's kubectl and every kubectl.1.* beside it) against one Wheelhouse started as
// a user starts it, but without the controller manager (`up --no-controller-manager`): every check compares
// kubectl's output with what the same kubectl prints against a real kube-apiserver with no controllers
// running (so a Deployment stays 0/2 and `get all` lists only what was created): exact lines and column
// layout; only AGE, generated values and allocated IPs are matched by pattern. Controllers have their own
// suites in conformance/controllers.
//
// Every binary runs the whole list (about 25 s for eight binaries); each gets its own namespaces
// (kubectl-1-27, kubectl-1-27-b, kubectl-1-27-w, ...; kubectl-path for PATH's kubectl) and its own HOME.
//
// `delete --cascade=orphan|foreground` need the garbage collector: conformance/controllers/namespaces.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, type KubectlResult, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, CLUSTER_IP, expectBlock, expectTables, expectWatch, parseBlock, renderBlock, type Cell } from '../support/table.ts';

const binaries = findKubectlBinaries();

const cluster = clusterForFile({ args: ['--no-controller-manager', '--disable-admission-plugins', 'ServiceAccount'] });

const T = { timeout: 60_000 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const RV = /^[1-9]\d*$/;

const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
// Upstream's RegexError puts "', " after every example and " or " between them, hence the two spaces.
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const FORCE_WARNING =
  'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n';

/** kube-root-ca.crt is published into every namespace by kube-controller-manager; allow it, never require it. */
const rootCA = (nameCol: number) => (r: string[]) =>
  r[nameCol] === 'kube-root-ca.crt' && r[nameCol + 1] === '1' && AGE.test(r[nameCol + 2] ?? '') && r.length === nameCol + 3;

/** What `kubectl api-resources` prints for the resources Wheelhouse serves (cells exact), in this order. */
const API_RESOURCE_ROWS: string[][] = [
  ['bindings', '', 'v1', 'true', 'Binding'],
  ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
  ['endpoints', 'ep', 'v1', 'true', 'Endpoints'],
  ['events', 'ev', 'v1', 'true', 'Event'],
  ['limitranges', 'limits', 'v1', 'true', 'LimitRange'],
  ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
  ['nodes', 'no', 'v1', 'false', 'Node'],
  ['persistentvolumeclaims', 'pvc', 'v1', 'true', 'PersistentVolumeClaim'],
  ['persistentvolumes', 'pv', 'v1', 'false', 'PersistentVolume'],
  ['pods', 'po', 'v1', 'true', 'Pod'],
  ['podtemplates', '', 'v1', 'true', 'PodTemplate'],
  ['replicationcontrollers', 'rc', 'v1', 'true', 'ReplicationController'],
  ['resourcequotas', 'quota', 'v1', 'true', 'ResourceQuota'],
  ['secrets', '', 'v1', 'true', 'Secret'],
  ['serviceaccounts', 'sa', 'v1', 'true', 'ServiceAccount'],
  ['services', 'svc', 'v1', 'true', 'Service'],
  ['mutatingwebhookconfigurations', '', 'admissionregistration.k8s.io/v1', 'false', 'MutatingWebhookConfiguration'],
  ['validatingadmissionpolicies', '', 'admissionregistration.k8s.io/v1', 'false', 'ValidatingAdmissionPolicy'],
  ['validatingadmissionpolicybindings', '', 'admissionregistration.k8s.io/v1', 'false', 'ValidatingAdmissionPolicyBinding'],
  ['validatingwebhookconfigurations', '', 'admissionregistration.k8s.io/v1', 'false', 'ValidatingWebhookConfiguration'],
  ['apiservices', '', 'apiregistration.k8s.io/v1', 'false', 'APIService'],
  ['controllerrevisions', '', 'apps/v1', 'true', 'ControllerRevision'],
  ['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet'],
  ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
  ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
  ['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet'],
  ['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler'],
  ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob'],
  ['jobs', '', 'batch/v1', 'true', 'Job'],
  ['leases', '', 'coordination.k8s.io/v1', 'true', 'Lease'],
  ['endpointslices', '', 'discovery.k8s.io/v1', 'true', 'EndpointSlice'],
  ['events', 'ev', 'events.k8s.io/v1', 'true', 'Event'],
  ['flowschemas', '', 'flowcontrol.apiserver.k8s.io/v1', 'false', 'FlowSchema'],
  ['prioritylevelconfigurations', '', 'flowcontrol.apiserver.k8s.io/v1', 'false', 'PriorityLevelConfiguration'],
  ['ingressclasses', '', 'networking.k8s.io/v1', 'false', 'IngressClass'],
  ['ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress'],
  ['ipaddresses', 'ip', 'networking.k8s.io/v1', 'false', 'IPAddress'],
  ['networkpolicies', 'netpol', 'networking.k8s.io/v1', 'true', 'NetworkPolicy'],
  ['servicecidrs', '', 'networking.k8s.io/v1', 'false', 'ServiceCIDR'],
  ['runtimeclasses', '', 'node.k8s.io/v1', 'false', 'RuntimeClass'],
  ['poddisruptionbudgets', 'pdb', 'policy/v1', 'true', 'PodDisruptionBudget'],
  ['csidrivers', '', 'storage.k8s.io/v1', 'false', 'CSIDriver'],
  ['csinodes', '', 'storage.k8s.io/v1', 'false', 'CSINode'],
  ['csistoragecapacities', '', 'storage.k8s.io/v1', 'true', 'CSIStorageCapacity'],
  ['storageclasses', 'sc', 'storage.k8s.io/v1', 'false', 'StorageClass'],
  ['volumeattachments', '', 'storage.k8s.io/v1', 'false', 'VolumeAttachment'],
  ['volumeattributesclasses', 'vac', 'storage.k8s.io/v1', 'false', 'VolumeAttributesClass'],
];

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'kubectl-path' : `kubectl-${bin.major}-${bin.minor}`;
}

function manifest(ns: string): string {
  const cm = (name: string, namespace: string, labels: Record<string, string>, data: Record<string, string>) =>
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${namespace}`,
      '  labels:',
      ...Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`),
      'data:',
      ...Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`),
    ].join('\n');
  return [
    ['apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${ns}-b`].join('\n'),
    ...[1, 2, 3, 4, 5].map((i) => cm(`mf-${i}`, ns, { suite: ns, chunk: 'yes' }, { key: 'value' })),
    cm('mf-other', `${ns}-b`, { suite: ns }, { x: '1', y: '2' }),
    `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80`,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25`,
  ].join('\n---\n') + '\n';
}

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster);

    const ok = (args: string[]) => k.ok(args);

    const okPrints = (args: string[], stdout: string) => k.okPrints(args, stdout);

    /** Runs kubectl, requires exit 1, an empty stdout and exactly this stderr. */
    async function failsWith(args: string[], stderr: string): Promise<KubectlResult> {
      const r = await k.run(args);
      assert.equal(r.stderr, stderr, show(r));
      assert.equal(r.stdout, '', show(r));
      assert.equal(r.code, 1, show(r));
      return r;
    }

    async function table(args: string[], expected: Cell[][], optionalRow?: (r: string[]) => boolean) {
      const r = await ok(args);
      return expectBlock(r.stdout, expected, { optionalRow, context: show(r) });
    }

    it('create namespace', T, async () => {
      await okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
    });

    it('api-resources: header, rows and layout', T, async () => {
      const r = await ok(['api-resources']);
      const ctx = show(r);
      const rows = parseBlock(r.stdout);
      assert.equal(r.stdout, renderBlock(rows), `column layout differs from kubectl's tabwriter output\n${ctx}`);
      assert.deepEqual(rows[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ctx);
      for (const row of rows.slice(1)) {
        assert.equal(row.length, 5, `malformed row ${JSON.stringify(row)}\n${ctx}`);
        assert.match(row[0]!, /^[a-z][a-z0-9]*$/, `NAME of ${JSON.stringify(row)}\n${ctx}`);
        assert.match(row[2]!, /^(?:v1|[a-z0-9.-]+\/v\d+(?:(?:alpha|beta)\d+)?)$/, `APIVERSION of ${JSON.stringify(row)}\n${ctx}`);
        assert.match(row[3]!, /^(?:true|false)$/, `NAMESPACED of ${JSON.stringify(row)}\n${ctx}`);
        assert.match(row[4]!, /^[A-Z][A-Za-z0-9]*$/, `KIND of ${JSON.stringify(row)}\n${ctx}`);
      }
      // kubectl sorts by API group (core first), keeping discovery order (by name) inside a group.
      let last = 0;
      for (const want of API_RESOURCE_ROWS) {
        const at = rows.findIndex((row, i) => i > 0 && row.join('\t') === want.join('\t'));
        assert.ok(at > 0, `missing api-resources row ${JSON.stringify(want)}\n${ctx}`);
        assert.ok(at > last, `row ${JSON.stringify(want)} is out of order\n${ctx}`);
        last = at;
      }
    });

    it('get ns: the four system namespaces, Active', T, async () => {
      const r = await ok(['get', 'ns']);
      const ctx = show(r);
      const rows = parseBlock(r.stdout);
      assert.equal(r.stdout, renderBlock(rows), `column layout differs from kubectl's tabwriter output\n${ctx}`);
      assert.deepEqual(rows[0], ['NAME', 'STATUS', 'AGE'], ctx);
      for (const row of rows.slice(1)) {
        assert.equal(row.length, 3, ctx);
        assert.equal(row[1], 'Active', `STATUS of ${row[0]}\n${ctx}`);
        assert.match(row[2]!, AGE, `AGE of ${row[0]}\n${ctx}`);
      }
      const names = rows.slice(1).map((row) => row[0]!);
      assert.deepEqual(names, [...names].sort(), `namespaces not sorted by name\n${ctx}`);
      for (const want of ['default', 'kube-node-lease', 'kube-public', 'kube-system', ns]) {
        assert.ok(names.includes(want), `namespace ${want} missing\n${ctx}`);
      }
    });

    it('get svc -n default: the kubernetes service', T, async () => {
      await table(
        ['get', 'svc', '-n', 'default'],
        [
          ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
          ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', AGE],
        ],
      );
    });

    it('create configmap --from-literal, get cm', T, async () => {
      await okPrints(['create', 'configmap', 'cm1', '--from-literal=a=1', '--from-literal=b=two', '-n', ns], 'configmap/cm1 created\n');
      await table(['get', 'cm', '-n', ns], [['NAME', 'DATA', 'AGE'], ['cm1', '2', AGE]], rootCA(0));
      await table(['get', 'configmap', 'cm1', '-n', ns], [['NAME', 'DATA', 'AGE'], ['cm1', '2', AGE]]);
    });

    it('get cm -o yaml', T, async () => {
      const r = await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'yaml']);
      const norm = r.stdout
        .replace(/^( {2}creationTimestamp: )"(.*)"$/m, (_m, p: string, v: string) => `${p}"${RFC3339_SECONDS.test(v) ? '<TIME>' : v}"`)
        .replace(/^( {2}resourceVersion: )"(.*)"$/m, (_m, p: string, v: string) => `${p}"${RV.test(v) ? '<RV>' : v}"`)
        .replace(/^( {2}uid: )(.*)$/m, (_m, p: string, v: string) => `${p}${UUID.test(v) ? '<UID>' : v}`);
      assert.equal(
        norm,
        [
          'apiVersion: v1',
          'data:',
          '  a: "1"',
          '  b: two',
          'kind: ConfigMap',
          'metadata:',
          '  creationTimestamp: "<TIME>"',
          '  name: cm1',
          `  namespace: ${ns}`,
          '  resourceVersion: "<RV>"',
          '  uid: <UID>',
          '',
        ].join('\n'),
        show(r),
      );
    });

    it('create secret generic --from-literal, get secret, -o wide, -o json', T, async () => {
      await okPrints(
        ['create', 'secret', 'generic', 's1', '--from-literal=user=admin', '--from-literal=pass=s3cret', '-n', ns],
        'secret/s1 created\n',
      );
      await table(['get', 'secret', '-n', ns], [['NAME', 'TYPE', 'DATA', 'AGE'], ['s1', 'Opaque', '2', AGE]]);
      await table(['get', 'secret', '-n', ns, '-o', 'wide'], [['NAME', 'TYPE', 'DATA', 'AGE'], ['s1', 'Opaque', '2', AGE]]);
      await table(['get', 'cm', 'cm1', '-n', ns, '-o', 'wide'], [['NAME', 'DATA', 'AGE'], ['cm1', '2', AGE]]);
      const r = await ok(['get', 'secret', 's1', '-n', ns, '-o', 'json']);
      assert.match(r.stdout, /^\{\n {4}"apiVersion": "v1",\n/, `kubectl -o json indents by 4\n${show(r)}`);
      const obj = JSON.parse(r.stdout) as {
        apiVersion: string;
        kind: string;
        type: string;
        data: Record<string, string>;
        metadata: Record<string, unknown>;
      };
      assert.deepEqual(Object.keys(obj).sort(), ['apiVersion', 'data', 'kind', 'metadata', 'type'], show(r));
      assert.equal(obj.apiVersion, 'v1');
      assert.equal(obj.kind, 'Secret');
      assert.equal(obj.type, 'Opaque');
      assert.deepEqual(obj.data, { pass: Buffer.from('s3cret').toString('base64'), user: Buffer.from('admin').toString('base64') });
      const md = obj.metadata;
      assert.deepEqual(Object.keys(md).sort(), ['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid'], show(r));
      assert.equal(md.name, 's1');
      assert.equal(md.namespace, ns);
      assert.match(String(md.creationTimestamp), RFC3339_SECONDS);
      assert.match(String(md.resourceVersion), RV);
      assert.match(String(md.uid), UUID);
    });

    it('create -f a multi-document YAML (--validate=false)', T, async () => {
      const file = k.writeFile('multi.yaml', manifest(ns));
      await okPrints(
        ['create', '-f', file, '--validate=false'],
        [
          `namespace/${ns}-b created`,
          'configmap/mf-1 created',
          'configmap/mf-2 created',
          'configmap/mf-3 created',
          'configmap/mf-4 created',
          'configmap/mf-5 created',
          'configmap/mf-other created',
          'service/web created',
          'deployment.apps/web created',
          '',
        ].join('\n'),
      );
    });

    const mfRows: Cell[][] = [1, 2, 3, 4, 5].map((i) => [`mf-${i}`, '1', AGE]);

    it('get cm -l (label selector)', T, async () => {
      await table(['get', 'cm', '-n', ns, '-l', 'chunk=yes'], [['NAME', 'DATA', 'AGE'], ...mfRows]);
      await table(['get', 'cm', '-n', ns, '-l', 'chunk!=yes'], [['NAME', 'DATA', 'AGE'], ['cm1', '2', AGE]], rootCA(0));
    });

    it('get cm --field-selector metadata.name=x', T, async () => {
      await table(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name=mf-3'], [['NAME', 'DATA', 'AGE'], ['mf-3', '1', AGE]]);
    });

    it('get cm --chunk-size=2 lists every object once, under one header', T, async () => {
      await table(['get', 'cm', '-n', ns, '--chunk-size=2'], [['NAME', 'DATA', 'AGE'], ['cm1', '2', AGE], ...mfRows], rootCA(0));
      await table(['get', 'cm', '-n', ns, '-l', 'chunk=yes', '--chunk-size=2'], [['NAME', 'DATA', 'AGE'], ...mfRows]);
    });

    it('get --raw with limit=2 pages with continue (what --chunk-size relies on)', T, async () => {
      type List = { kind: string; metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string } }[] };
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const whole = await ok(['get', '--raw', path]);
      const all = (JSON.parse(whole.stdout) as List).items.map((i) => i.metadata.name);
      assert.ok(all.length >= 6, show(whole));
      const seen: string[] = [];
      let cont = '';
      let rv: string | undefined;
      for (let page = 0; page < 10; page++) {
        const r = await ok(['get', '--raw', `${path}?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`]);
        const list = JSON.parse(r.stdout) as List;
        assert.equal(list.kind, 'ConfigMapList', show(r));
        const left = all.length - seen.length;
        assert.equal(list.items.length, Math.min(2, left), show(r));
        seen.push(...list.items.map((i) => i.metadata.name));
        if (page === 0) rv = list.metadata.resourceVersion;
        else assert.equal(list.metadata.resourceVersion, rv, `every page keeps the first page's snapshot revision\n${show(r)}`);
        if (left > 2) {
          assert.ok(list.metadata.continue, `more items remain, so metadata.continue must be set\n${show(r)}`);
          assert.equal(list.metadata.remainingItemCount, left - 2, show(r));
          cont = list.metadata.continue;
        } else {
          assert.equal(list.metadata.continue, undefined, `last page must not carry continue\n${show(r)}`);
          assert.equal(list.metadata.remainingItemCount, undefined, show(r));
          break;
        }
      }
      assert.deepEqual(seen, all);
    });

    it('get cm -A: NAMESPACE column first, in storage key order', T, async () => {
      // Keys are /registry/configmaps/<ns>/<name>; "<ns>-b/" sorts before "<ns>/" because '-' < '/'.
      await table(
        ['get', 'cm', '-A', '-l', `suite=${ns}`],
        [['NAMESPACE', 'NAME', 'DATA', 'AGE'], [`${ns}-b`, 'mf-other', '2', AGE], ...mfRows.map((r) => [ns, ...r])],
      );
    });

    it('get deploy / get deploy -o wide', T, async () => {
      await table(['get', 'deploy', '-n', ns], [['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['web', '0/2', '0', '0', AGE]]);
      await table(
        ['get', 'deployments.apps', 'web', '-n', ns, '-o', 'wide'],
        [
          ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
          ['web', '0/2', '0', '0', AGE, 'nginx', 'nginx:1.25', 'app=web'],
        ],
      );
    });

    it('get svc -o wide', T, async () => {
      await table(
        ['get', 'svc', 'web', '-n', ns, '-o', 'wide'],
        [
          ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'],
          ['web', 'ClusterIP', CLUSTER_IP, '<none>', '80/TCP', AGE, 'app=web'],
        ],
      );
    });

    it('get all', T, async () => {
      const r = await ok(['get', 'all', '-n', ns]);
      expectTables(
        r.stdout,
        [
          [
            ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
            ['service/web', 'ClusterIP', CLUSTER_IP, '<none>', '80/TCP', AGE],
          ],
          [
            ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
            ['deployment.apps/web', '0/2', '0', '0', AGE],
          ],
        ],
        { context: show(r) },
      );
    });

    it('describe configmap', T, async () => {
      const r = await ok(['describe', 'configmap', 'mf-1', '-n', ns]);
      // kubectl 1.31 started sorting keys and printing a blank line after each value.
      const data = bin.minor >= 31 ? ['key:', '----', 'value', '', ''] : ['key:', '----', 'value', ''];
      assert.equal(
        r.stdout,
        [
          'Name:         mf-1',
          `Namespace:    ${ns}`,
          'Labels:       chunk=yes',
          `              suite=${ns}`,
          'Annotations:  <none>',
          '',
          'Data',
          '====',
          ...data,
          'BinaryData',
          '====',
          '',
          'Events:  <none>',
          '',
        ].join('\n'),
        show(r),
      );
    });

    it('delete --cascade=background, then get is NotFound', T, async () => {
      await okPrints(['delete', 'configmap', 'cm1', '-n', ns, '--cascade=background'], 'configmap "cm1" deleted\n');
      await failsWith(['get', 'configmap', 'cm1', '-n', ns], 'Error from server (NotFound): configmaps "cm1" not found\n');
    });

    it('delete --grace-period=0 --force', T, async () => {
      const r = await k.run(['delete', 'configmap', 'mf-5', '-n', ns, '--grace-period=0', '--force']);
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, 'configmap "mf-5" force deleted\n', show(r));
      assert.equal(r.stderr, FORCE_WARNING, show(r));
      await failsWith(['get', 'configmap', 'mf-5', '-n', ns], 'Error from server (NotFound): configmaps "mf-5" not found\n');
    });

    it('delete a deployment (background cascade, the default)', T, async () => {
      await okPrints(['delete', 'deployment', 'web', '-n', ns], 'deployment.apps "web" deleted\n');
      await failsWith(['get', 'deploy', 'web', '-n', ns], 'Error from server (NotFound): deployments.apps "web" not found\n');
    });

    it('delete a missing object', T, async () => {
      await failsWith(['delete', 'configmap', 'nope', '-n', ns], 'Error from server (NotFound): configmaps "nope" not found\n');
    });

    it('create an existing configmap: AlreadyExists', T, async () => {
      await okPrints(['create', 'configmap', 'dup', '-n', ns], 'configmap/dup created\n');
      await failsWith(['create', 'configmap', 'dup', '-n', ns], 'error: failed to create configmap: configmaps "dup" already exists\n');
    });

    it('invalid names: the exact Invalid messages', T, async () => {
      await failsWith(
        ['create', 'configmap', 'Bad_Name', '-n', ns],
        `error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN_MSG}\n`,
      );
      // Not wrapped by kubectl, so it goes through cmdutil.CheckErr's Invalid branch (built from details.causes).
      await failsWith(
        ['create', 'namespace', 'Bad_NS'],
        `The Namespace "Bad_NS" is invalid: metadata.name: Invalid value: "Bad_NS": ${DNS1123_LABEL_MSG}\n`,
      );
    });

    it('get cm -w: the list, then one row per event with all columns', T, async () => {
      const wns = `${ns}-w`;
      await okPrints(['create', 'namespace', wns], `namespace/${wns} created\n`);
      await okPrints(['create', 'configmap', 'w-old', '--from-literal=a=1', '-n', wns], 'configmap/w-old created\n');
      const w = k.spawn(['get', 'cm', '-w', '-n', wns]);
      const rowsOf = (s: string, name: string) => s.split('\n').filter((l) => l.startsWith(`${name} `)).length;
      let out: KubectlResult;
      try {
        const listed = await w.waitFor((s) => rowsOf(s, 'w-old') >= 1, 20_000);
        assert.ok(listed, `the initial list did not show w-old within 20 s\n$ ${w.command}\nstdout:\n${w.stdout()}\nstderr:\n${w.stderr()}`);
        await okPrints(['create', 'configmap', 'w-new', '--from-literal=a=1', '-n', wns], 'configmap/w-new created\n');
        const added = await w.waitFor((s) => rowsOf(s, 'w-new') >= 1, 20_000);
        assert.ok(added, `no row for the ADDED w-new within 20 s\n$ ${w.command}\nstdout:\n${w.stdout()}\nstderr:\n${w.stderr()}`);
        await okPrints(['patch', 'configmap', 'w-new', '-n', wns, '--type=merge', '-p', '{"data":{"b":"2"}}'], 'configmap/w-new patched\n');
        const modified = await w.waitFor((s) => rowsOf(s, 'w-new') >= 2, 20_000);
        assert.ok(modified, `no row for the MODIFIED w-new within 20 s\n$ ${w.command}\nstdout:\n${w.stdout()}\nstderr:\n${w.stderr()}`);
      } finally {
        out = await w.stop();
      }
      const ctx = show(out);
      assert.equal(out.stderr, '', ctx);
      expectWatch(
        out.stdout,
        (l) => l.startsWith('w-new '),
        [['NAME', 'DATA', 'AGE'], ['w-old', '1', AGE]],
        [['w-new', '1', AGE], ['w-new', '2', AGE]],
        { optionalRow: rootCA(0), context: ctx },
      );
    });
  });
}
