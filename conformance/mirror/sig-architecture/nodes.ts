// Mirror of upstream's sig-architecture conformance precondition: the cluster offers at least two nodes
// that pods can be scheduled on. Title is upstream's codename.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { eventually, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function architectureMirrors(m: Mirror): void {
  describe('sig-architecture: Conformance Tests', SUITE, () => {
    it('[sig-architecture] Conformance Tests should have at least two untainted nodes [Conformance]', async () => {
      const untainted = await eventually('two untainted Ready nodes', async () => {
        const nodes = (await m.api(CoreV1Api).listNode()).items.filter(
          (n) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).length && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return nodes.length >= 2 ? nodes : undefined;
      });
      assert.ok(untainted.length >= 2);
    });
  });
}
