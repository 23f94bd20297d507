// client-go/kube-controller-manager's controller expectations (pkg/controller/controller_utils.go
// UIDTrackingControllerExpectations): a controller that has just asked for N creations or deletions
// does not act on the same object again until its informer has seen them (or the expectations have
// expired), so watch lag never makes it create or delete twice.

/** ExpectationsTimeout: after this long unfulfilled expectations are ignored (upstream 5 min). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly store = new Map<string, Expectation>();
  /** Keys of the pods whose deletion each controller waits for, so one deletion is observed once. */
  private readonly deleting = new Map<string, Set<string>>();

  constructor(private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS) {}

  /** Whether the controller may sync: no record, all observed, or expired. */
  satisfied(key: string): boolean {
    const e = this.store.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return Date.now() - e.timestamp > this.timeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.store.set(key, { add: n, del: 0, timestamp: Date.now() });
  }

  /** ExpectDeletions with the keys (namespace/name) of the pods being deleted. */
  expectDeletions(key: string, podKeys: string[]): void {
    this.deleting.set(key, new Set(podKeys));
    this.store.set(key, { add: 0, del: podKeys.length, timestamp: Date.now() });
  }

  creationObserved(key: string): void {
    const e = this.store.get(key);
    if (e) e.add--;
  }

  /** A pod of this controller is gone (or going); counted once per pod key. */
  deletionObserved(key: string, podKey: string): void {
    const set = this.deleting.get(key);
    if (!set || !set.delete(podKey)) return;
    const e = this.store.get(key);
    if (e) e.del--;
  }

  /** LowerExpectations for creations that were skipped or failed. */
  lowerCreations(key: string, n: number): void {
    const e = this.store.get(key);
    if (e) e.add -= n;
  }

  delete(key: string): void {
    this.store.delete(key);
    this.deleting.delete(key);
  }
}
