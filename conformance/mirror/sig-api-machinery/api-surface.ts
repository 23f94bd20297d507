// Mirrors of upstream's API machinery conformance tests about the API surface itself: version, discovery
// (legacy and aggregated), watch semantics, chunked lists, typed field validation and the flowcontrol
// resources. Titles are upstream's codenames; the assertions follow each test's description.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { exerciseKindApi, MERGE_PATCH, rawRequest, suffix, testNamespace, WatchLog, type WatchEvent, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function apiSurfaceMirrors(m: Mirror): void {
  interface APIGroup {
    name: string;
    versions: Array<{ groupVersion: string; version: string }>;
    preferredVersion: { groupVersion: string; version: string };
  }

  describe('sig-api-machinery: version and discovery', SUITE, () => {
    it('[sig-api-machinery] server version should find the server version [Conformance]', async () => {
      const v = (await rawRequest(m, 'GET', '/version')).json<{ major: string; minor: string; gitVersion: string }>();
      assert.match(v.major, /^\d+$/, 'major is an integer');
      assert.match(v.minor, /^\d+$/, 'minor is an integer');
      assert.match(v.gitVersion, /^v\d+\.\d+\.\d+/);
    });

    it('[sig-api-machinery] Discovery should validate PreferredVersion for each APIGroup [Conformance]', async () => {
      const groups = (await rawRequest(m, 'GET', '/apis')).json<{ groups: APIGroup[] }>().groups;
      assert.ok(groups.length > 10, 'a list of API groups');
      for (const g of groups) {
        assert.ok(g.preferredVersion.version, `${g.name} has a preferred version`);
        assert.equal(g.preferredVersion.groupVersion, `${g.name}/${g.preferredVersion.version}`, `${g.name} preferred groupVersion`);
        assert.ok(g.versions.some((v) => v.groupVersion === g.preferredVersion.groupVersion), `${g.name} preferred version is one it serves`);
        const single = (await rawRequest(m, 'GET', `/apis/${g.name}`)).json<APIGroup>();
        assert.deepEqual(single.preferredVersion, g.preferredVersion, `/apis/${g.name} agrees with /apis`);
      }
    });

    it('[sig-api-machinery] Discovery should locate the groupVersion and a resource within each APIGroup [Conformance]', async () => {
      const groups = (await rawRequest(m, 'GET', '/apis')).json<{ groups: APIGroup[] }>().groups;
      for (const g of groups) {
        for (const v of g.versions) {
          const r = await rawRequest(m, 'GET', `/apis/${v.groupVersion}`);
          assert.equal(r.status, 200, `GET /apis/${v.groupVersion}`);
          const list = r.json<{ groupVersion: string; resources: Array<{ name: string; kind: string; verbs: string[] }> }>();
          assert.equal(list.groupVersion, v.groupVersion);
          assert.ok(
            list.resources.some((res) => res.name && res.kind && !res.name.includes('/')),
            `a resource in ${v.groupVersion}`,
          );
        }
      }
    });

    it('[sig-api-machinery] AggregatedDiscovery should support aggregated discovery interface [Conformance]', async () => {
      const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
      const apis = await rawRequest(m, 'GET', '/apis', { headers: { accept } });
      const core = await rawRequest(m, 'GET', '/api', { headers: { accept } });
      for (const r of [apis, core]) {
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') ?? '', /g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/);
      }
      type Doc = { kind: string; items: Array<{ metadata: { name: string }; versions: Array<{ version: string; resources: Array<{ resource: string }> }> }> };
      const resources = new Set<string>();
      for (const d of [apis.json<Doc>(), core.json<Doc>()]) {
        assert.equal(d.kind, 'APIGroupDiscoveryList');
        for (const g of d.items) for (const v of g.versions) for (const r of v.resources) resources.add(`${g.metadata.name || 'core'}/${v.version}/${r.resource}`);
      }
      // Every built-in group/version/resource the legacy documents list must be in the aggregated ones.
      const legacy = (await rawRequest(m, 'GET', '/apis')).json<{ groups: APIGroup[] }>().groups;
      const gvs = [{ name: 'core', gv: 'v1', path: '/api/v1' }, ...legacy.flatMap((g) => g.versions.map((v) => ({ name: g.name, gv: v.version, path: `/apis/${v.groupVersion}` })))];
      for (const gv of gvs) {
        const list = (await rawRequest(m, 'GET', gv.path)).json<{ resources: Array<{ name: string }> }>();
        for (const r of list.resources.filter((x) => !x.name.includes('/'))) {
          assert.ok(resources.has(`${gv.name}/${gv.gv}/${r.name}`), `${gv.name}/${gv.gv}/${r.name} in aggregated discovery`);
        }
      }
    });

    it('[sig-api-machinery] AggregatedDiscovery should support raw aggregated discovery endpoint Accept headers [Conformance]', async () => {
      for (const accept of [
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
      ]) {
        const r = await rawRequest(m, 'GET', '/apis', { headers: { accept } });
        assert.equal(r.status, 200, accept);
        assert.match(r.headers.get('content-type') ?? '', /as=APIGroupDiscoveryList/, accept);
        const names = r.json<{ items: Array<{ metadata: { name: string } }> }>().items.map((i) => i.metadata.name);
        for (const g of ['apps', 'batch', 'policy', 'coordination.k8s.io', 'flowcontrol.apiserver.k8s.io']) assert.ok(names.includes(g), `${g} present (${accept})`);
      }
    });
  });

  describe('sig-api-machinery: watch', SUITE, () => {
    const cm = (name: string, labels: Record<string, string>, data: Record<string, string> = {}): V1ConfigMap => ({ metadata: { name, labels }, data });
    const core = () => m.api(CoreV1Api);
    /** A fresh namespace and the path of its configmaps collection, where each watch test works. */
    const watchSpace = async () => {
      const ns = await testNamespace(m, 'watch', { waitForServiceAccount: false });
      return { ns, path: `/api/v1/namespaces/${ns}/configmaps` };
    };

    it('[sig-api-machinery] Watchers should observe add, update, and delete watch notifications on configmaps [Conformance]', async () => {
      const { ns, path } = await watchSpace();
      const watchA = await WatchLog.open(m.kc(), path, { labelSelector: 'watch-this-configmap=multiple-watchers-A' });
      const watchB = await WatchLog.open(m.kc(), path, { labelSelector: 'watch-this-configmap=multiple-watchers-B' });
      const watchAB = await WatchLog.open(m.kc(), path, { labelSelector: 'watch-this-configmap in (multiple-watchers-A,multiple-watchers-B)' });
      try {
        const a = cm('e2e-watch-test-configmap-a', { 'watch-this-configmap': 'multiple-watchers-A' });
        const b = cm('e2e-watch-test-configmap-b', { 'watch-this-configmap': 'multiple-watchers-B' });
        await core().createNamespacedConfigMap({ namespace: ns, body: a });
        await core().patchNamespacedConfigMap({ namespace: ns, name: a.metadata!.name!, body: { data: { mutation: '1' } } }, MERGE_PATCH);
        await core().patchNamespacedConfigMap({ namespace: ns, name: a.metadata!.name!, body: { data: { mutation: '2' } } }, MERGE_PATCH);
        await core().deleteNamespacedConfigMap({ namespace: ns, name: a.metadata!.name! });
        await core().createNamespacedConfigMap({ namespace: ns, body: b });
        await core().deleteNamespacedConfigMap({ namespace: ns, name: b.metadata!.name! });
        const aEvents = [['ADDED', 'e2e-watch-test-configmap-a'], ['MODIFIED', 'e2e-watch-test-configmap-a'], ['MODIFIED', 'e2e-watch-test-configmap-a'], ['DELETED', 'e2e-watch-test-configmap-a']];
        const bEvents = [['ADDED', 'e2e-watch-test-configmap-b'], ['DELETED', 'e2e-watch-test-configmap-b']];
        await watchA.count(4);
        await watchB.count(2);
        await watchAB.count(6);
        assert.deepEqual(watchA.seen(), aEvents, 'watcher A sees A only');
        assert.deepEqual(watchB.seen(), bEvents, 'watcher B sees B only');
        assert.deepEqual(watchAB.seen(), [...aEvents, ...bEvents], 'watcher A-or-B sees both in order');
        assert.deepEqual(watchA.events.slice(1, 3).map((e) => (e.object as V1ConfigMap).data?.mutation), ['1', '2']);
      } finally {
        for (const w of [watchA, watchB, watchAB]) w.stop();
      }
    });

    it('[sig-api-machinery] Watchers should be able to start watching from a specific resource version [Conformance]', async () => {
      const { ns, path } = await watchSpace();
      const name = 'e2e-watch-test-resource-version';
      await core().createNamespacedConfigMap({ namespace: ns, body: cm(name, { 'watch-this-configmap': 'from-resource-version' }) });
      await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '1' } } }, MERGE_PATCH);
      const second = await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '2' } } }, MERGE_PATCH);
      const afterFirst = await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '3' } } }, MERGE_PATCH);
      await core().deleteNamespacedConfigMap({ namespace: ns, name });
      // From the version of the second change: only what followed it (the third change, the delete).
      const w = await WatchLog.open(m.kc(), path, {
        labelSelector: 'watch-this-configmap=from-resource-version',
        resourceVersion: second.metadata!.resourceVersion!,
      });
      try {
        await w.count(2);
        assert.deepEqual(w.seen(), [['MODIFIED', name], ['DELETED', name]]);
        assert.equal((w.events[0]!.object as V1ConfigMap).data?.mutation, '3');
        assert.equal(w.events[0]!.object.metadata?.resourceVersion, afterFirst.metadata?.resourceVersion);
      } finally {
        w.stop();
      }
    });

    it('[sig-api-machinery] Watchers should be able to restart watching from the last resource version observed by the previous watch [Conformance]', async () => {
      const { ns, path } = await watchSpace();
      const name = 'e2e-watch-test-watch-closed';
      const labelSelector = 'watch-this-configmap=watch-closed-and-restarted';
      const first = await WatchLog.open(m.kc(), path, { labelSelector });
      await core().createNamespacedConfigMap({ namespace: ns, body: cm(name, { 'watch-this-configmap': 'watch-closed-and-restarted' }) });
      await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '1' } } }, MERGE_PATCH);
      await first.count(2);
      first.stop();
      const lastSeen = first.events[1]!.object.metadata!.resourceVersion!;
      // Changes made while no watch is open must all reach the restarted one.
      await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '2' } } }, MERGE_PATCH);
      await core().deleteNamespacedConfigMap({ namespace: ns, name });
      const second = await WatchLog.open(m.kc(), path, { labelSelector, resourceVersion: lastSeen });
      try {
        await second.count(2);
        assert.deepEqual(second.seen(), [['MODIFIED', name], ['DELETED', name]]);
        assert.equal((second.events[0]!.object as V1ConfigMap).data?.mutation, '2');
      } finally {
        second.stop();
      }
    });

    it('[sig-api-machinery] Watchers should observe an object deletion if it stops meeting the requirements of the selector [Conformance]', async () => {
      const { ns, path } = await watchSpace();
      const name = 'e2e-watch-test-label-changed';
      const labelSelector = 'watch-this-configmap=label-changed-and-restored';
      const w = await WatchLog.open(m.kc(), path, { labelSelector });
      try {
        await core().createNamespacedConfigMap({ namespace: ns, body: cm(name, { 'watch-this-configmap': 'label-changed-and-restored' }) });
        await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '1' } } }, MERGE_PATCH);
        await core().patchNamespacedConfigMap({ namespace: ns, name, body: { metadata: { labels: { 'watch-this-configmap': 'wrong-value' } } } }, MERGE_PATCH);
        await w.count(3, 'ADDED, MODIFIED and the DELETED of leaving the selector');
        assert.deepEqual(w.seen(), [['ADDED', name], ['MODIFIED', name], ['DELETED', name]]);
        // Changes while it does not match are not seen; matching again is an ADDED.
        await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '2' } } }, MERGE_PATCH);
        await core().patchNamespacedConfigMap({ namespace: ns, name, body: { metadata: { labels: { 'watch-this-configmap': 'label-changed-and-restored' } } } }, MERGE_PATCH);
        await core().patchNamespacedConfigMap({ namespace: ns, name, body: { data: { mutation: '3' } } }, MERGE_PATCH);
        await core().deleteNamespacedConfigMap({ namespace: ns, name });
        await w.count(6);
        assert.deepEqual(w.seen().slice(3), [['ADDED', name], ['MODIFIED', name], ['DELETED', name]]);
        assert.equal((w.events[3]!.object as V1ConfigMap).data?.mutation, '2', 'the re-ADDED object carries the change made while unmatched');
      } finally {
        w.stop();
      }
    });

    it('[sig-api-machinery] Watchers should receive events on concurrent watches in same order [Conformance]', async () => {
      const { ns, path } = await watchSpace();
      const start = (await core().listNamespacedConfigMap({ namespace: ns })).metadata!.resourceVersion!;
      const writes = 60;
      // Writes run in the background while the watches open, as upstream's goroutine does.
      const writer = (async () => {
        for (let i = 0; i < writes; i++) {
          const name = `e2e-watch-test-${i % 5}`;
          try {
            await core().createNamespacedConfigMap({ namespace: ns, body: cm(name, {}) });
          } catch {
            await core().deleteNamespacedConfigMap({ namespace: ns, name });
          }
        }
      })();
      const first = await WatchLog.open(m.kc(), path, { resourceVersion: start });
      const watches: WatchLog[] = [first];
      try {
        await first.count(10);
        // Each further watch starts at the version of an event the first one saw; from there all must agree.
        for (const e of first.events.slice(0, 5)) watches.push(await WatchLog.open(m.kc(), path, { resourceVersion: e.object.metadata!.resourceVersion! }));
        await writer;
        await first.count(writes);
        const rvs = (ev: WatchEvent[]) => ev.map((e) => e.object.metadata!.resourceVersion!);
        const all = rvs(first.events);
        for (const [i, w] of watches.slice(1).entries()) {
          const from = all.indexOf(first.events[i]!.object.metadata!.resourceVersion!);
          await w.count(writes - from - 1);
          assert.deepEqual(rvs(w.events), all.slice(from + 1), `watch ${i + 1} sees the same events in the same order`);
        }
      } finally {
        for (const w of watches) w.stop();
      }
    });
  });

  describe('sig-api-machinery: lists and field validation', SUITE, () => {
    it('[sig-api-machinery] Servers with support for API chunking should return chunks of results for list calls [Conformance]', async () => {
      const ns = await testNamespace(m, 'chunking', { waitForServiceAccount: false });
      const core = m.api(CoreV1Api);
      const total = 120;
      const limit = 17;
      for (let i = 0; i < total; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            core.createNamespacedPodTemplate({
              namespace: ns,
              body: { metadata: { name: `template-${String(i + j).padStart(4, '0')}` }, template: { spec: { containers: [{ name: 'test', image: 'busybox' }] } } },
            }),
          ),
        );
      }
      let cont: string | undefined;
      let rv: string | undefined;
      const seen: string[] = [];
      do {
        const page = await core.listNamespacedPodTemplate({ namespace: ns, limit, _continue: cont });
        assert.ok(page.items.length <= limit, `a chunk of at most ${limit}`);
        rv ??= page.metadata!.resourceVersion;
        assert.equal(page.metadata!.resourceVersion, rv, 'every chunk is at the first chunk\'s resourceVersion');
        seen.push(...page.items.map((p) => p.metadata!.name!));
        cont = page.metadata!._continue || undefined;
        if (cont) assert.equal(page.metadata!.remainingItemCount, total - seen.length, 'remainingItemCount');
        else assert.equal(page.metadata!.remainingItemCount, undefined, 'no remainingItemCount on the last chunk');
      } while (cont);
      assert.equal(seen.length, total);
      assert.equal(new Set(seen).size, total, 'no item twice');
      const whole = await core.listNamespacedPodTemplate({ namespace: ns });
      assert.equal(whole.items.length, total, 'an unlimited list returns everything at once');
      assert.equal(whole.metadata!._continue, undefined);
    });

    const deployment = (extraSpec: string, extraMeta = '') =>
      `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deployment-${suffix()}"${extraMeta}},` +
      `"spec":{${extraSpec}"replicas":1,"selector":{"matchLabels":{"app":"fv"}},` +
      `"template":{"metadata":{"labels":{"app":"fv"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}`;

    it('[sig-api-machinery] FieldValidation should detect unknown and duplicate fields of a typed object [Conformance]', async () => {
      const ns = await testNamespace(m, 'fieldvalidation', { waitForServiceAccount: false });
      const url = `/apis/apps/v1/namespaces/${ns}/deployments?fieldValidation=Strict`;
      const body = deployment('"foo":"bar","replicas":2,');
      const r = await rawRequest(m, 'POST', url, { body, headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 400, r.text);
      const st = r.json<{ reason: string; message: string }>();
      assert.equal(st.reason, 'BadRequest');
      assert.match(st.message, /unknown field "spec\.foo"/);
      assert.match(st.message, /duplicate field "spec\.replicas"/);
      // Without Strict, the server drops the unknown field and keeps the last duplicate, with warnings.
      const warn = await rawRequest(m, 'POST', url.replace('Strict', 'Warn'), { body, headers: { 'content-type': 'application/json' } });
      assert.equal(warn.status, 201, warn.text);
      // Warning headers quote the text, so its inner quotes arrive escaped.
      assert.match(warn.headers.get('warning') ?? '', /unknown field \\"spec\.foo\\"/);
    });

    it('[sig-api-machinery] FieldValidation should detect unknown metadata fields of a typed object [Conformance]', async () => {
      const ns = await testNamespace(m, 'fieldvalidation', { waitForServiceAccount: false });
      const r = await rawRequest(m, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments?fieldValidation=Strict`, {
        body: deployment('', ',"unknownMeta":"foo"'),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 400, r.text);
      assert.match(r.json<{ message: string }>().message, /unknown field "metadata\.unknownMeta"/);
    });
  });

  describe('sig-api-machinery: API priority and fairness', SUITE, () => {
    it('[sig-api-machinery] API priority and fairness should support FlowSchema API operations [Conformance]', async () => {
      const groups = (await rawRequest(m, 'GET', '/apis')).json<{ groups: APIGroup[] }>().groups;
      assert.ok(groups.some((g) => g.name === 'flowcontrol.apiserver.k8s.io' && g.versions.some((v) => v.version === 'v1')));
      await exerciseKindApi(m, 'flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', {
        make: () => ({ spec: { priorityLevelConfiguration: { name: 'global-default' }, matchingPrecedence: 8000 } }),
        statusPatch: { conditions: [{ type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'set by the test', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
      });
    });

    it('[sig-api-machinery] API priority and fairness should support PriorityLevelConfiguration API operations [Conformance]', async () => {
      await exerciseKindApi(m, 'flowcontrol.apiserver.k8s.io/v1', 'PriorityLevelConfiguration', {
        make: () => ({ spec: { type: 'Limited', limited: { nominalConcurrencyShares: 2, limitResponse: { type: 'Reject' } } } }),
        statusPatch: { conditions: [{ type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'set by the test', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
      });
    });
  });
}
