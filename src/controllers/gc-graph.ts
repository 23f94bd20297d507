// The garbage collector's dependency graph (pkg/controller/garbagecollector/graph.go): one node per
// object uid, with the owner references the object lists and the nodes that list it as an owner.
// Owners that have not been seen yet are "virtual" nodes, checked against the API server.
import type { OwnerRef } from './resource-client.ts';

/** An object's coordinates: what an owner reference names, plus the namespace ('' if cluster-scoped). */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  namespace: string;
}

/** objectReference.String() as the garbage collector prints it in events and logs. */
export function identityString(i: Identity): string {
  return `[${i.apiVersion}/${i.kind}, namespace: ${i.namespace}, name: ${i.name}, uid: ${i.uid}]`;
}

export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion && a.namespace === b.namespace;
}

/** ownerReferenceMatchesCoordinates: uid, name, kind and apiVersion agree. */
export function refMatches(ref: OwnerRef, i: Pick<Identity, 'uid' | 'name' | 'kind' | 'apiVersion'>): boolean {
  return ref.uid === i.uid && ref.name === i.name && ref.kind === i.kind && ref.apiVersion === i.apiVersion;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  /** Set once the object has a deletionTimestamp (a one-way trip). */
  beingDeleted = false;
  /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
  deletingDependents = false;
  /** Created as some dependent's owner and not yet observed through an informer. */
  virtual = false;
  /** Last observed "being deleted with the orphan / foregroundDeletion finalizer" (the informer's old object). */
  wasOrphaning = false;
  wasForeground = false;

  constructor(
    public identity: Identity,
    public owners: OwnerRef[] = [],
  ) {}

  /** Dependents whose owner reference to this node has blockOwnerDeletion: true. */
  blockingDependents(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const dep of this.dependents) {
      if (dep.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true)) out.push(dep);
    }
    return out;
  }
}

/** partitionDependents: dependents whose reference to `owner.uid` matches all of owner's coordinates, and those that do not. */
export function partitionDependents(dependents: Iterable<GraphNode>, owner: Identity): { matching: GraphNode[]; nonmatching: GraphNode[] } {
  const matching: GraphNode[] = [];
  const nonmatching: GraphNode[] = [];
  const ownerNamespaced = owner.namespace !== '';
  for (const dep of dependents) {
    let match = false;
    let mismatch = false;
    if (ownerNamespaced && owner.namespace !== dep.identity.namespace) mismatch = true;
    else {
      for (const ref of dep.owners) {
        if (ref.uid !== owner.uid) continue;
        if (refMatches(ref, owner)) match = true;
        else mismatch = true;
      }
    }
    if (match) matching.push(dep);
    if (mismatch) nonmatching.push(dep);
  }
  return { matching, nonmatching };
}

function referenceLess(a: Identity, b: Identity): boolean {
  if (a.kind !== b.kind) return a.kind < b.kind;
  if (a.apiVersion !== b.apiVersion) return a.apiVersion < b.apiVersion;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace;
  if (a.name !== b.name) return a.name < b.name;
  return a.uid < b.uid;
}

/** getAlternateOwnerIdentity: another identity the dependents know `absent.uid` by, if any. */
export function alternateOwnerIdentity(deps: Iterable<GraphNode>, absent: Identity): Identity | undefined {
  const clusterScoped = absent.namespace === '';
  const seen = new Set<string>([JSON.stringify(absent)]);
  let first: Identity | undefined;
  let firstFollowing: Identity | undefined;
  for (const dep of deps) {
    for (const ref of dep.owners) {
      if (ref.uid !== absent.uid) continue;
      if (refMatches(ref, absent) && (clusterScoped || absent.namespace === dep.identity.namespace)) continue;
      const alt: Identity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: dep.identity.namespace };
      if (clusterScoped && alt.apiVersion === absent.apiVersion && alt.kind === absent.kind) alt.namespace = '';
      const k = JSON.stringify(alt);
      if (seen.has(k)) continue;
      seen.add(k);
      if (!first || referenceLess(alt, first)) first = alt;
      if (referenceLess(absent, alt) && (!firstFollowing || referenceLess(alt, firstFollowing))) firstFollowing = alt;
    }
  }
  return firstFollowing ?? first;
}

/** referencesDiffs: owner references added, removed and changed (same uid, other fields) between two lists. */
export function referencesDiffs(
  old: OwnerRef[],
  next: OwnerRef[],
): { added: OwnerRef[]; removed: OwnerRef[]; changed: { oldRef: OwnerRef; newRef: OwnerRef }[] } {
  const oldByUID = new Map(old.map((r) => [r.uid, r]));
  const added: OwnerRef[] = [];
  const changed: { oldRef: OwnerRef; newRef: OwnerRef }[] = [];
  for (const r of next) {
    const o = oldByUID.get(r.uid);
    if (!o) added.push(r);
    else {
      if (!sameRef(o, r)) changed.push({ oldRef: o, newRef: r });
      oldByUID.delete(r.uid);
    }
  }
  return { added, removed: [...oldByUID.values()], changed };
}

function sameRef(a: OwnerRef, b: OwnerRef): boolean {
  return (
    refMatches(a, b) && (a.controller ?? undefined) === (b.controller ?? undefined) && (a.blockOwnerDeletion ?? undefined) === (b.blockOwnerDeletion ?? undefined)
  );
}

/** A bounded set with least-recently-used eviction (the absent owner cache: 500 entries upstream). */
export class LRUSet {
  private readonly items = new Map<string, true>();
  constructor(private readonly max = 500) {}

  add(key: string): void {
    this.items.delete(key);
    this.items.set(key, true);
    if (this.items.size > this.max) this.items.delete(this.items.keys().next().value!);
  }

  has(key: string): boolean {
    if (!this.items.has(key)) return false;
    this.items.delete(key);
    this.items.set(key, true);
    return true;
  }
}

/** The absent owner cache key: coordinates plus namespace. */
export function absentKey(i: Pick<Identity, 'apiVersion' | 'kind' | 'name' | 'uid'>, namespace: string): string {
  return JSON.stringify([i.apiVersion, i.kind, i.name, i.uid, namespace]);
}
