// Controller history (kube-controller-manager pkg/controller/history): the ControllerRevisions a
// DaemonSet or StatefulSet owns, one per pod template it has run. A revision's data is the strategic
// merge patch `{"spec":{"template":{…,"$patch":"replace"}}}` that turns the set back into that
// template — which is what `kubectl rollout undo` sends — and its `revision` number orders them;
// a rollback to an older template renumbers the existing revision rather than creating a copy.
import type { V1ControllerRevision, V1LabelSelector, V1ObjectMeta, V1OwnerReference, V1PodTemplateSpec } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { type Clients, isAlreadyExists, isNotFound, statusCode } from '../client/clients.ts';
import type { Informer } from '../client/informer.ts';
import { labelSelectorFromSpec, nothingLabels, type LabelSelector } from '../selectors/labels.ts';
import { canonical, fnv32a, safeEncodeString } from './deployment-util.ts';
import { STRATEGIC_MERGE_PATCH, claimObjects, controllerOf, type OwnerObject } from './pod-control.ts';

/** apps.ControllerRevisionHashLabelKey: on revisions, and on the pods made from them. */
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** Revision names keep room for a hash within a DNS subdomain (ControllerRevisionName). */
const MAX_PREFIX = 223;

export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > MAX_PREFIX ? prefix.slice(0, MAX_PREFIX) : prefix}-${hash}`;
}

/** A set as history sees it: metadata, selector, template. */
export interface HistoryOwner extends OwnerObject {
  spec?: { selector?: V1LabelSelector; template?: V1PodTemplateSpec; revisionHistoryLimit?: number };
}

export function selectorOf(owner: { spec?: { selector?: V1LabelSelector } }): LabelSelector {
  try {
    return labelSelectorFromSpec(owner.spec?.selector);
  } catch {
    return nothingLabels();
  }
}

/** The template as the API serves it (wire JSON, no client model classes or Dates). */
function wireTemplate(template: V1PodTemplateSpec | undefined): Record<string, unknown> {
  return (ObjectSerializer.serialize(template ?? {}, 'V1PodTemplateSpec', '') as Record<string, unknown>) ?? {};
}

/** getPatch: the revision data that restores this template. */
export function templatePatch(template: V1PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...wireTemplate(template), $patch: 'replace' } } };
}

/** The revision data as comparable bytes (upstream compares Data.Raw). */
export function dataKey(data: unknown): string {
  return JSON.stringify(canonical(data) ?? {});
}

/** HashControllerRevision: FNV-32a of the data, then the collision count, safe-encoded. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(dataKey(data)));
  if (collisionCount !== undefined) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

const revisionOf = (r: V1ControllerRevision): number => Number(r.revision ?? 0);

const createdMs = (r: V1ControllerRevision): number => {
  const t = r.metadata?.creationTimestamp as Date | string | undefined;
  return t === undefined ? 0 : t instanceof Date ? t.getTime() : Date.parse(t);
};

/** SortControllerRevisions: by revision, then creation, then name. */
export function sortRevisions(revs: V1ControllerRevision[]): V1ControllerRevision[] {
  return [...revs].sort(
    (a, b) => revisionOf(a) - revisionOf(b) || createdMs(a) - createdMs(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
}

/** nextRevision: one past the highest. */
export function nextRevision(revs: V1ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, revisionOf(r)), 0) + 1;
}

export function equalRevision(a: V1ControllerRevision, b: V1ControllerRevision): boolean {
  return dataKey(a.data) === dataKey(b.data);
}

/** A revision not yet stored (NewControllerRevision): template labels, the set's annotations, a controller ref. */
export function newRevision(
  owner: HistoryOwner,
  ownerRef: V1OwnerReference,
  revision: number,
): V1ControllerRevision {
  const meta: V1ObjectMeta = {
    namespace: owner.metadata?.namespace,
    labels: { ...(owner.spec?.template?.metadata?.labels ?? {}) },
    ownerReferences: [ownerRef],
  };
  // kubectl rollout history reads kubernetes.io/change-cause from the revision.
  if (owner.metadata?.annotations && Object.keys(owner.metadata.annotations).length) meta.annotations = { ...owner.metadata.annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta, data: templatePatch(owner.spec?.template), revision };
}

/** Reads, claims, creates, renumbers and deletes the revisions of one kind of set. */
export class RevisionHistory {
  constructor(
    private readonly clients: Clients,
    private readonly revisions: Informer<V1ControllerRevision>,
  ) {}

  /** ListControllerHistory + ClaimControllerRevisions: the revisions this set controls, adopting matching orphans. */
  async controlled(owner: HistoryOwner, ownerRef: V1OwnerReference, recheck: () => Promise<OwnerObject | undefined>): Promise<V1ControllerRevision[]> {
    const namespace = owner.metadata?.namespace ?? '';
    const selector = selectorOf(owner);
    const mine = this.revisions.list(namespace).filter((r) => {
      const ref = controllerOf(r);
      return ref ? ref.uid === owner.metadata?.uid : selector.matches(r.metadata?.labels);
    });
    return claimObjects(mine, { clients: this.clients, owner, ownerRef, selector, recheck }, (ns, name, body) =>
      this.clients.apps.patchNamespacedControllerRevision({ namespace: ns, name, body }, STRATEGIC_MERGE_PATCH),
    );
  }

  /**
   * CreateControllerRevision: named `<prefix>-<hash>`; an existing revision of that name with the same
   * data is reused, one with other data is a hash collision, retried with collisionCount + 1.
   */
  async create(
    prefix: string,
    rev: V1ControllerRevision,
    collision: { count: number },
    hash: (count: number) => string = (count) => hashRevisionData(rev.data, count),
  ): Promise<V1ControllerRevision> {
    const namespace = rev.metadata?.namespace ?? '';
    for (let attempt = 0; attempt < 100; attempt++) {
      const h = hash(collision.count);
      const body: V1ControllerRevision = structuredClone(rev);
      body.metadata = { ...body.metadata, name: revisionName(prefix, h), labels: { ...body.metadata?.labels, [CONTROLLER_REVISION_HASH]: h } };
      try {
        return await this.clients.apps.createNamespacedControllerRevision({ namespace, body });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await this.clients.apps.readNamespacedControllerRevision({ namespace, name: body.metadata.name! });
        if (equalRevision(existing, body) && controllerOf(existing)?.uid === controllerOf(body)?.uid) return existing;
        collision.count++;
      }
    }
    throw new Error(`too many controller revision hash collisions for ${namespace}/${prefix}`);
  }

  /** UpdateControllerRevision: give an existing revision a new number (a rollback to it). */
  async renumber(rev: V1ControllerRevision, revision: number): Promise<V1ControllerRevision> {
    if (revisionOf(rev) === revision) return rev;
    return this.clients.apps.patchNamespacedControllerRevision(
      { namespace: rev.metadata?.namespace ?? '', name: rev.metadata?.name ?? '', body: { revision } },
      STRATEGIC_MERGE_PATCH,
    );
  }

  /** Delete up to `count` of the oldest revisions not in use (callers count as their controller does). */
  async deleteOldest(revs: V1ControllerRevision[], inUse: (r: V1ControllerRevision) => boolean, count: number): Promise<void> {
    if (count <= 0) return;
    const victims = sortRevisions(revs)
      .filter((r) => !inUse(r))
      .slice(0, count);
    for (const r of victims) {
      try {
        await this.clients.apps.deleteNamespacedControllerRevision({ namespace: r.metadata?.namespace ?? '', name: r.metadata?.name ?? '' });
      } catch (err) {
        if (!isNotFound(err) && statusCode(err) !== 409) throw err;
      }
    }
  }
}
