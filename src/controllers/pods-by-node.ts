// Pods by spec.nodeName (client-go's "spec.nodeName" indexer the node controllers add to the shared pod
// informer), fed from the informer's handlers. It also remembers the last version of each pod seen,
// which the handlers need for old/new comparisons the informer's update callback does not give.
import type { V1Pod } from '@kubernetes/client-node';

export const podKey = (p: V1Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

export class PodsByNode {
  private readonly byNode = new Map<string, Map<string, V1Pod>>();
  private readonly last = new Map<string, V1Pod>();

  /** Record an added or updated pod; returns the version seen before, if any. */
  set(pod: V1Pod): V1Pod | undefined {
    const key = podKey(pod);
    const prev = this.last.get(key);
    const prevNode = prev?.spec?.nodeName;
    if (prevNode && prevNode !== pod.spec?.nodeName) this.unindex(prevNode, key);
    this.last.set(key, pod);
    const node = pod.spec?.nodeName;
    if (node) {
      let m = this.byNode.get(node);
      if (!m) this.byNode.set(node, (m = new Map()));
      m.set(key, pod);
    }
    return prev;
  }

  /** Forget a deleted pod; returns the version seen before, if any. */
  delete(pod: V1Pod): V1Pod | undefined {
    const key = podKey(pod);
    const prev = this.last.get(key);
    this.last.delete(key);
    const node = prev?.spec?.nodeName ?? pod.spec?.nodeName;
    if (node) this.unindex(node, key);
    return prev;
  }

  get(key: string): V1Pod | undefined {
    return this.last.get(key);
  }

  pods(node: string): V1Pod[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  private unindex(node: string, key: string): void {
    const m = this.byNode.get(node);
    if (!m) return;
    m.delete(key);
    if (m.size === 0) this.byNode.delete(node);
  }
}
