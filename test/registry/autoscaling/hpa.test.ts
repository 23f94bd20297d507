// horizontalpodautoscalers.autoscaling over HTTP against a real API server and etcd: discovery (short
// name, category, status subresource, v2 preferred over v1), v2 defaulting (minReplicas, the 80 % CPU
// metric, behavior filled in only when given), validation with upstream's messages, status kept out of
// spec writes, autoscaling/v1 over the same objects (round-trip annotations, the implicit 80 % target),
// and the server-side table (TARGETS as `cpu: <unknown>/80%`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';
import { formatHPAMetrics } from '../../../src/registry/autoscaling/horizontalpodautoscalers.ts';

let c: TestCluster;

before(async () => {
  c = await startTestCluster();
});

after(async () => {
  await c?.stop();
});

const BASE = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function hpa(name: string, spec: Json): Json {
  return { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name }, spec };
}

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

describe('horizontalpodautoscalers.autoscaling/v2', () => {
  it('is in discovery as kube-apiserver lists it', async () => {
    const list = await call('GET', '/apis/autoscaling/v2');
    const main = list.body.resources.find((r: Json) => r.name === 'horizontalpodautoscalers');
    assert.deepEqual(main.shortNames, ['hpa']);
    assert.deepEqual(main.categories, ['all']);
    assert.equal(main.kind, 'HorizontalPodAutoscaler');
    assert.equal(main.singularName, 'horizontalpodautoscaler');
    assert.ok(list.body.resources.some((r: Json) => r.name === 'horizontalpodautoscalers/status'));
    const group = await call('GET', '/apis/autoscaling');
    assert.deepEqual(group.body.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
    const groups = (await call('GET', '/apis')).body.groups.map((g: Json) => g.name);
    assert.ok(groups.indexOf('autoscaling') > groups.indexOf('events.k8s.io') && groups.indexOf('autoscaling') < groups.indexOf('batch'));
  });

  it('defaults minReplicas and the CPU metric; behavior only when given', async () => {
    const created = await call('POST', BASE, hpa('plain', { scaleTargetRef: target, maxReplicas: 3 }));
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.minReplicas, 1);
    assert.deepEqual(created.body.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    assert.equal(created.body.spec.behavior, undefined);
    assert.deepEqual(created.body.status, {});
    assert.equal(created.body.metadata.generation, 1);

    const b = await call('POST', BASE, hpa('tuned', { scaleTargetRef: target, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
    assert.equal(b.status, 201);
    assert.deepEqual(b.body.spec.behavior, {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('refuses invalid specs with upstream messages', async () => {
    const bad = await call(
      'POST',
      BASE,
      hpa('bad', {
        scaleTargetRef: { kind: 'Deployment', name: '' },
        minReplicas: 0,
        maxReplicas: 0,
        behavior: { scaleUp: { selectPolicy: 'Most', policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] } },
      }),
    );
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.minReplicas: Invalid value: 0: must be greater than or equal to 1, ' +
        'spec.maxReplicas: Invalid value: 0: must be greater than 0, spec.scaleTargetRef.name: Required value, ' +
        'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Most": supported values: "Disabled", "Max", "Min", ' +
        'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero, ' +
        'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800]',
    );
    const metric = await call(
      'POST',
      BASE,
      hpa('badmetric', {
        scaleTargetRef: target,
        maxReplicas: 2,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50, averageValue: '100m' } } }],
      }),
    );
    assert.equal(metric.status, 422);
    assert.equal(
      metric.body.message,
      'HorizontalPodAutoscaler.autoscaling "badmetric" is invalid: spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    );
    const range = await call('POST', BASE, hpa('range', { scaleTargetRef: target, minReplicas: 4, maxReplicas: 2 }));
    assert.equal(range.body.message, 'HorizontalPodAutoscaler.autoscaling "range" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
  });

  it('keeps status out of spec writes and spec out of status writes', async () => {
    const cur = (await call('GET', `${BASE}/plain`)).body;
    const statusWrite = await call('PUT', `${BASE}/plain/status`, { ...cur, spec: { ...cur.spec, maxReplicas: 9 }, status: { currentReplicas: 2, desiredReplicas: 2 } });
    assert.equal(statusWrite.status, 200);
    assert.equal(statusWrite.body.spec.maxReplicas, 3);
    assert.deepEqual(statusWrite.body.status, { currentReplicas: 2, desiredReplicas: 2 });
    const specWrite = await call('PUT', `${BASE}/plain`, { ...statusWrite.body, spec: { ...statusWrite.body.spec, maxReplicas: 4 }, status: {} });
    assert.equal(specWrite.body.spec.maxReplicas, 4);
    assert.equal(specWrite.body.metadata.generation, 2);
    assert.deepEqual(specWrite.body.status, { currentReplicas: 2, desiredReplicas: 2 });
  });

  it('serves the same objects as autoscaling/v1, converting as upstream does', async () => {
    const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
    const v1 = await call('POST', V1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old' }, spec: { scaleTargetRef: target, maxReplicas: 4, targetCPUUtilizationPercentage: 60 } });
    assert.equal(v1.status, 201);
    assert.equal(v1.body.apiVersion, 'autoscaling/v1');
    assert.deepEqual(v1.body.spec, { scaleTargetRef: target, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 });
    const asV2 = (await call('GET', `${BASE}/old`)).body;
    assert.deepEqual(asV2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    // No target through v1: the implicit 80 % CPU of autoscaling/v1.
    const bare = await call('POST', V1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bare' }, spec: { scaleTargetRef: target, maxReplicas: 2 } });
    assert.equal(bare.body.spec.targetCPUUtilizationPercentage, 80);

    // What v1 cannot say travels in the round-trip annotations, and comes back intact.
    const rich = await call(
      'POST',
      BASE,
      hpa('rich', {
        scaleTargetRef: target,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '64Mi' } } },
        ],
      }),
    );
    const conditions = [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-05-01T12:00:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }];
    await call('PUT', `${BASE}/rich/status`, {
      ...rich.body,
      status: { currentReplicas: 1, desiredReplicas: 1, conditions, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '45m' } } }] },
    });
    const old = (await call('GET', `${V1}/rich`)).body;
    assert.equal(old.spec.targetCPUUtilizationPercentage, 50);
    assert.deepEqual(old.status, { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 45 });
    assert.deepEqual(JSON.parse(old.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics']), [
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '64Mi' } },
    ]);
    assert.deepEqual(JSON.parse(old.metadata.annotations['autoscaling.alpha.kubernetes.io/conditions']), conditions);
    const updated = await call('PUT', `${V1}/rich`, { ...old, spec: { ...old.spec, maxReplicas: 6 } });
    assert.equal(updated.status, 200);
    const back = (await call('GET', `${BASE}/rich`)).body;
    assert.equal(back.spec.maxReplicas, 6);
    assert.equal(back.metadata.annotations, undefined);
    assert.deepEqual(
      back.spec.metrics.map((m: Json) => m.resource.name),
      ['memory', 'cpu'],
    );
    assert.deepEqual(back.status.conditions, conditions);
  });

  it('prints the table columns of kube-apiserver', async () => {
    const table = await call('GET', BASE, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(
      table.body.columnDefinitions.map((d: Json) => d.name),
      ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'],
    );
    const row = table.body.rows.find((r: Json) => r.cells[0] === 'plain');
    assert.deepEqual(row.cells.slice(0, 6), ['plain', 'Deployment/web', 'cpu: <unknown>/80%', '1', 4, 2]);
    assert.equal(
      formatHPAMetrics(
        [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '64Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        ],
        [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '45m' } } },
          { type: 'Resource', resource: { name: 'memory', current: { averageValue: '12Mi' } } },
        ],
      ),
      'cpu: 45%/50%, memory: 12Mi/64Mi + 1 more...',
    );
  });
});
