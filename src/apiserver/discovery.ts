// Discovery documents, legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated
// (apidiscovery.k8s.io v2 and v2beta1), built from the catalogue and rebuilt whenever a
// CustomResourceDefinition changes what is served.
import { createHash } from 'node:crypto';
import { CUSTOM_GROUPS, GROUP_ORDER } from '../api/catalog.ts';
import { groupVersion, type ResourceDecl } from '../api/types.ts';

/** discovery.StorageVersionHash: first 8 bytes of sha256("group/version/kind"), base64. */
export function storageVersionHash(d: ResourceDecl): string {
  return createHash('sha256').update(`${d.group}/${d.version}/${d.kind}`).digest().subarray(0, 8).toString('base64');
}

const STORAGELESS = new Set(['bindings', 'subjectaccessreviews', 'localsubjectaccessreviews']);

function legacyEntries(d: ResourceDecl): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: d.resource,
    singularName: d.singular,
    namespaced: d.namespaced,
    kind: d.kind,
    verbs: [...d.verbs].sort(),
  };
  if (d.shortNames.length) main.shortNames = d.shortNames;
  if (d.categories.length) main.categories = d.categories;
  // Aggregated metrics.k8s.io has no storage behind it either.
  if (!STORAGELESS.has(d.resource) && d.group !== 'metrics.k8s.io') main.storageVersionHash = storageVersionHash(d);
  const out = [main];
  for (const s of d.subresources) {
    const e: Record<string, unknown> = { name: `${d.resource}/${s.name}`, singularName: '', namespaced: d.namespaced };
    if (s.group !== undefined) e.group = s.group;
    if (s.version !== undefined) e.version = s.version;
    e.kind = s.kind;
    e.verbs = [...s.verbs].sort();
    out.push(e);
  }
  return out;
}

export interface GroupInfo {
  name: string;
  versions: string[];
  resources: Map<string, ResourceDecl[]>; // by version
}

export class Discovery {
  groups: GroupInfo[] = [];
  private resourceLists = new Map<string, string>();
  private aggregated = new Map<string, { body: string; etag: string }>();
  readonly apiVersionsBody = (serverAddress: string): string =>
    JSON.stringify({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    });
  apiGroupListBody = '';
  private groupBodies = new Map<string, string>();

  constructor(decls: readonly ResourceDecl[]) {
    this.rebuild(decls);
  }

  /** Recomputes every document; requests in flight keep the bodies they already hold. */
  rebuild(decls: readonly ResourceDecl[]): void {
    const byGroup = new Map<string, GroupInfo>();
    for (const d of decls) {
      let g = byGroup.get(d.group);
      if (!g) byGroup.set(d.group, (g = { name: d.group, versions: [], resources: new Map() }));
      if (!g.versions.includes(d.version)) g.versions.push(d.version);
      const list = g.resources.get(d.version) ?? [];
      list.push(d);
      g.resources.set(d.version, list);
    }
    const rank = (g: GroupInfo) => {
      const i = GROUP_ORDER.indexOf(g.name);
      if (i >= 0) return i;
      const custom = g.resources.values().next().value?.[0]?.custom === true;
      return custom ? GROUP_ORDER.indexOf(CUSTOM_GROUPS) : GROUP_ORDER.length;
    };
    this.groups = [...byGroup.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));

    const resourceLists = new Map<string, string>();
    for (const g of this.groups) {
      for (const [v, ds] of g.resources) {
        const gv = groupVersion({ group: g.name, version: v });
        const resources = [...ds].sort((a, b) => a.resource.localeCompare(b.resource)).flatMap(legacyEntries);
        const doc: Record<string, unknown> = { kind: 'APIResourceList' };
        if (g.name !== '') doc.apiVersion = 'v1';
        doc.groupVersion = gv;
        doc.resources = resources;
        resourceLists.set(gv, JSON.stringify(doc));
      }
    }
    this.resourceLists = resourceLists;

    const named = this.groups.filter((g) => g.name !== '');
    const groupDoc = (g: GroupInfo) => ({
      name: g.name,
      versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0] },
    });
    this.apiGroupListBody = JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: named.map(groupDoc) });
    const groupBodies = new Map<string, string>();
    for (const g of named) groupBodies.set(g.name, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) }));
    this.groupBodies = groupBodies;

    const aggregated = new Map<string, { body: string; etag: string }>();
    for (const version of ['v2', 'v2beta1'] as const) {
      for (const legacy of [true, false]) {
        const groups = legacy ? this.groups.filter((g) => g.name === '') : named;
        const body = JSON.stringify({
          kind: 'APIGroupDiscoveryList',
          apiVersion: `apidiscovery.k8s.io/${version}`,
          metadata: {},
          items: groups.map((g) => this.aggregatedGroup(g)),
        });
        const etag = `"${createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase()}"`;
        aggregated.set(`${version}:${legacy}`, { body, etag });
      }
    }
    this.aggregated = aggregated;
  }

  private aggregatedGroup(g: GroupInfo): Record<string, unknown> {
    const metadata: Record<string, unknown> = { creationTimestamp: null };
    if (g.name !== '') metadata.name = g.name;
    return {
      metadata,
      versions: g.versions.map((v) => ({
        version: v,
        resources: [...(g.resources.get(v) ?? [])]
          .sort((a, b) => a.resource.localeCompare(b.resource))
          .map((d) => {
            const r: Record<string, unknown> = {
              resource: d.resource,
              responseKind: { group: d.group, version: d.version, kind: d.kind },
              scope: d.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: d.singular,
              verbs: [...d.verbs].sort(),
            };
            if (d.shortNames.length) r.shortNames = d.shortNames;
            if (d.categories.length) r.categories = d.categories;
            if (d.subresources.length) {
              r.subresources = d.subresources.map((s) => ({
                subresource: s.name,
                responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind },
                verbs: [...s.verbs].sort(),
              }));
            }
            return r;
          }),
        freshness: 'Current',
      })),
    };
  }

  resourceList(gv: string): string | undefined {
    return this.resourceLists.get(gv);
  }

  group(name: string): string | undefined {
    return this.groupBodies.get(name);
  }

  aggregatedDoc(version: 'v2' | 'v2beta1', legacy: boolean): { body: string; etag: string } {
    return this.aggregated.get(`${version}:${legacy}`)!;
  }
}
