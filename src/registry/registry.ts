// One generic store per declared resource, wired to its strategy; plus the cluster's bootstrap objects.
import { randomUUID } from 'node:crypto';
import { CATALOG } from '../api/catalog.ts';
import { StatusError, forbidden, notFound } from '../api/errors.ts';
import type { KObject, ResourceDecl } from '../api/types.ts';
import { ConvertingStorage } from '../storage/converting.ts';
import { StorageError, type Storage } from '../storage/interface.ts';
import { admissionregistrationStrategies } from './admissionregistration/index.ts';
import { appsStrategies } from './apps/index.ts';
import { autoscalingStrategies } from './autoscaling/index.ts';
import { batchStrategies } from './batch/index.ts';
import { coordinationStrategies } from './coordination/index.ts';
import { coreStrategies } from './core/index.ts';
import { discoveryStrategies } from './discovery/index.ts';
import { eventsStrategies } from './events/index.ts';
import { networkingStrategies } from './networking/index.ts';
import { policyStrategies } from './policy/index.ts';
import { rbacStrategies } from './rbac/index.ts';
import { resourceStrategies } from './resource/index.ts';
import { ensureBootstrapPolicy } from './rbac/ensure.ts';
import { CachedPolicy } from '../auth/rbac/policy-cache.ts';
import { RbacAuthorizer } from '../auth/rbac/authorizer.ts';
import { schedulingStrategies } from './scheduling/index.ts';
import { storageStrategies } from './storage/index.ts';
import { nodeStrategies } from './node/index.ts';
import { flowcontrolStrategies } from './flowcontrol/index.ts';
import { flowSchemaStatusHooks, priorityLevelHooks } from './flowcontrol/flowschema-status.ts';
import { ensureFlowControlObjects } from './flowcontrol/ensure.ts';
import { apiregistrationStrategies } from './apiregistration/index.ts';
import { customResourceDefinitionStrategy } from './apiextensions/customresourcedefinitions.ts';
import { CRDController } from './apiextensions/crd-controller.ts';
import type { ServedVersion } from './apiextensions/custom-resources.ts';
import type { AdmissionPlugin } from './admission/chain.ts';
import type { CustomOpenAPISource } from '../apiserver/openapi/custom.ts';
import type { GVK } from '../apiserver/openapi/build/json.ts';
import { syncLocalAPIServices } from './apiregistration/sync.ts';
import { runtimeClassLookup, runtimeClassPlugin } from './admission/runtimeclass.ts';
import { DEFAULT_STORAGE_CLASS } from './storage/storageclasses.ts';
import { SYSTEM_PRIORITY_CLASSES, priorityClassHooks } from './scheduling/priorityclasses.ts';
import type { PriorityClassLookup } from './scheduling/pod-priority.ts';
import { installAdmission } from './admission/chain.ts';
import { limitRangerPlugin } from './admission/limitranger.ts';
import { priorityPlugin } from './admission/priority.ts';
import { resourceQuotaPlugin } from './admission/resourcequota.ts';
import { serviceAccountLookup, serviceAccountPlugin } from './admission/serviceaccount.ts';
import { defaultStorageClassPlugin } from './admission/default-storage-class.ts';
import { defaultIngressClassPlugin } from './admission/default-ingress-class.ts';
import { DEFAULT_SERVICE_CIDR_NAME, defaultServiceCIDR } from './networking/ipaddresses.ts';
import { GenericStore, nowRFC3339, type StoreDeps } from './store.ts';
import type { Strategy } from './strategy.ts';
import { ServiceAllocator } from './core/service-allocation.ts';

const STRATEGIES: Record<string, Record<string, Strategy>> = {
  '': coreStrategies,
  'admissionregistration.k8s.io': admissionregistrationStrategies,
  apps: appsStrategies,
  autoscaling: autoscalingStrategies,
  batch: batchStrategies,
  'coordination.k8s.io': coordinationStrategies,
  'discovery.k8s.io': discoveryStrategies,
  'events.k8s.io': eventsStrategies,
  'networking.k8s.io': networkingStrategies,
  policy: policyStrategies,
  'rbac.authorization.k8s.io': rbacStrategies,
  'resource.k8s.io': resourceStrategies,
  'scheduling.k8s.io': schedulingStrategies,
  'storage.k8s.io': storageStrategies,
  'node.k8s.io': nodeStrategies,
  'flowcontrol.apiserver.k8s.io': flowcontrolStrategies,
  'apiregistration.k8s.io': apiregistrationStrategies,
  'apiextensions.k8s.io': { customresourcedefinitions: customResourceDefinitionStrategy },
};

/** Resources served without storage of their own (bindings write pods; access reviews are answered, not kept). */
const VIRTUAL = new Set(['/bindings', 'authorization.k8s.io/subjectaccessreviews', 'authorization.k8s.io/localsubjectaccessreviews']);

export interface RegistryOptions {
  cacheCapacity?: number;
  bookmarkIntervalMs?: number;
  /** kube-apiserver --disable-admission-plugins: plugin names (`ServiceAccount`, …) to leave out of the chain. */
  disabledAdmissionPlugins?: readonly string[];
}

/** The versions of one CustomResourceDefinition being served. */
interface CustomServing {
  served: ServedVersion[];
  stores: GenericStore[];
  /** Marked for deletion: instances are being removed and no new ones may be created. */
  terminating: boolean;
}

export class Registry {
  readonly stores = new Map<string, GenericStore>();
  private servedDecls: readonly ResourceDecl[] = CATALOG;
  private readonly serviceAllocator: ServiceAllocator;
  private readonly deps: StoreDeps;
  private readonly admissionPlugins: AdmissionPlugin[];
  private readonly custom = new Map<string, CustomServing>();
  private readonly declListeners: (() => void)[] = [];
  private apiServiceSync: Promise<void> = Promise.resolve();
  readonly crdController: CRDController;

  constructor(
    readonly storage: Storage,
    opts: RegistryOptions = {},
  ) {
    this.serviceAllocator = new ServiceAllocator(storage);
    const deps: StoreDeps = (this.deps = {
      storage,
      cacheCapacity: opts.cacheCapacity,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      namespaceGate: (ns, gr, name) => this.checkNamespace(ns, gr, name),
    });
    for (const d of CATALOG) {
      if (VIRTUAL.has(`${d.group}/${d.resource}`)) continue;
      // A second version of a resource (autoscaling/v1 beside v2) has a converting store of its own.
      const versioned = STRATEGIES[d.group]?.[`${d.version}/${d.resource}`];
      const strategy = versioned ?? STRATEGIES[d.group]?.[d.resource] ?? {};
      const storeDeps = strategy.storageCodec ? { ...deps, storage: new ConvertingStorage(storage, strategy.storageCodec) } : deps;
      this.stores.set(versioned ? `${d.group}/${d.version}/${d.resource}` : `${d.group}/${d.resource}`, new GenericStore(d, strategy, storeDeps));
    }
    this.store('', 'services').hooks = this.serviceAllocator.hooks();
    const priorityClasses = this.priorityClassLookup();
    this.store('scheduling.k8s.io', 'priorityclasses').hooks = priorityClassHooks(() => priorityClasses.list());
    this.store('flowcontrol.apiserver.k8s.io', 'flowschemas').hooks = flowSchemaStatusHooks(this.store('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations'));
    this.store('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations').hooks = priorityLevelHooks(this.store('flowcontrol.apiserver.k8s.io', 'flowschemas'));
    // Last: wraps whatever hooks the stores were given above. Upstream's plugin order; add plugins here.
    const plugins = [
      limitRangerPlugin(this.store('', 'limitranges')),
      serviceAccountPlugin(serviceAccountLookup(this.store('', 'serviceaccounts'))),
      priorityPlugin(priorityClasses),
      defaultStorageClassPlugin(this.store('storage.k8s.io', 'storageclasses')),
      runtimeClassPlugin(runtimeClassLookup(this.store('node.k8s.io', 'runtimeclasses'))),
      defaultIngressClassPlugin(this.store('networking.k8s.io', 'ingressclasses')),
      resourceQuotaPlugin(this.store('', 'resourcequotas')),
    ];
    const disabled = new Set(opts.disabledAdmissionPlugins ?? []);
    const unknown = [...disabled].filter((n) => !plugins.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`admission plugins not registered: ${unknown.join(', ')} (known: ${plugins.map((p) => p.name).join(', ')})`);
    this.admissionPlugins = plugins.filter((p) => !disabled.has(p.name));
    installAdmission(this.stores.values(), this.admissionPlugins);
    this.crdController = new CRDController(this.store('apiextensions.k8s.io', 'customresourcedefinitions'), {
      serveCustom: (name, served, terminating) => this.serveCustom(name, served, terminating),
      stopCustom: (name) => this.stopCustom(name),
      customStores: (name) => this.custom.get(name)?.stores ?? [],
    });
  }

  /** Every resource served now: the built-in catalogue and the versions of established CRDs. */
  get decls(): readonly ResourceDecl[] {
    return this.servedDecls;
  }

  /** Called after the served resources change (a CRD established, updated or removed). */
  onDeclsChange(listener: () => void): void {
    this.declListeners.push(listener);
  }

  /** What /openapi publishes for custom resources: every served version with its schema. */
  customOpenAPISources(): CustomOpenAPISource[] {
    return [...this.custom.values()].flatMap((c) =>
      c.served.map(({ decl, schema }) => ({ decl, v2: (gvk: GVK) => schema.openAPIV2(gvk), v3: (gvk: GVK) => schema.openAPIV3(gvk) })),
    );
  }

  /** True while the CRD behind a custom resource is being deleted (creates are refused then). */
  customTerminating(decl: ResourceDecl): boolean {
    return this.custom.get(`${decl.resource}.${decl.group}`)?.terminating === true;
  }

  /**
   * Serves (or re-serves, after a spec change) a CRD's versions: fresh stores with their watch caches
   * filled, then swapped in so that no request meets a cold cache; the old stores' watches end and
   * their clients re-watch, as they do when upstream rebuilds a CRD's storage.
   */
  private async serveCustom(crdName: string, served: ServedVersion[], terminating: boolean): Promise<void> {
    const stores = served.map(({ decl, strategy }) => {
      const storage = strategy.storageCodec ? new ConvertingStorage(this.deps.storage, strategy.storageCodec) : this.deps.storage;
      return new GenericStore(decl, strategy, { ...this.deps, storage });
    });
    installAdmission(stores, this.admissionPlugins);
    await Promise.all(stores.map((st) => st.cacher.ready()));
    const old = this.custom.get(crdName);
    for (const st of old?.stores ?? []) this.stores.delete(storeKey(st.decl));
    for (const st of stores) this.stores.set(storeKey(st.decl), st);
    this.custom.set(crdName, { served, stores, terminating });
    for (const st of old?.stores ?? []) st.cacher.close();
    this.declsChanged();
  }

  private async stopCustom(crdName: string): Promise<void> {
    const old = this.custom.get(crdName);
    if (!old) return;
    this.custom.delete(crdName);
    for (const st of old.stores) {
      this.stores.delete(storeKey(st.decl));
      st.cacher.close();
    }
    this.declsChanged();
  }

  private declsChanged(): void {
    this.servedDecls = [...CATALOG, ...[...this.custom.values()].flatMap((c) => c.served.map((v) => v.decl))];
    for (const l of this.declListeners) l();
    // The crdRegistrationController's part: an APIService per served group-version, one sync at a time.
    this.apiServiceSync = this.apiServiceSync
      .then(() => syncLocalAPIServices(this.store('apiregistration.k8s.io', 'apiservices'), this.servedDecls))
      .catch(() => undefined);
  }

  /** Admission reads PriorityClasses from the watch cache, as upstream's plugin reads its informer. */
  private priorityClassLookup(): PriorityClassLookup {
    const store = this.store('scheduling.k8s.io', 'priorityclasses');
    return {
      // A class created a moment ago may not be in the cache yet; etcd settles it.
      get: async (name) => (await store.cacher.get(store.key(undefined, name))) ?? (await store.storage.get(store.key(undefined, name))) ?? undefined,
      list: async () => (await store.cacher.list({ matches: () => true })).items,
    };
  }

  store(group: string, resource: string): GenericStore {
    const s = this.stores.get(`${group}/${resource}`);
    if (!s) throw new Error(`no store for ${group}/${resource}`);
    return s;
  }

  find(group: string, resource: string, version?: string): GenericStore | undefined {
    return (version !== undefined ? this.stores.get(`${group}/${version}/${resource}`) : undefined) ?? this.stores.get(`${group}/${resource}`);
  }

  /** NamespaceLifecycle admission: no new content in missing or terminating namespaces. */
  private async checkNamespace(ns: string, gr: { group: string; resource: string }, name: string): Promise<void> {
    const namespaces = this.store('', 'namespaces');
    const key = namespaces.key(undefined, ns);
    // A cache re-listing after an etcd outage cannot answer: etcd decides (and fails the write if it is still gone).
    let obj = await namespaces.cacher.get(key).catch(() => undefined);
    if (!obj) obj = (await namespaces.storage.get(key)) ?? undefined;
    if (!obj) throw notFound({ group: '', resource: 'namespaces' }, ns);
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (obj.metadata.deletionTimestamp || phase === 'Terminating') {
      const err = forbidden(gr, name, `unable to create new content in namespace ${ns} because it is being terminated`);
      // Clients (client-go's IsNamespaceTerminating) look for this cause.
      err.status.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }];
      throw err;
    }
  }

  /** Start every watch cache; resolves when all hold a snapshot. */
  async start(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.cacher.ready()));
    await this.crdController.start();
  }

  /** The objects every cluster starts with, as upstream's bootstrap controllers create them. */
  async bootstrap(apiserverHost: string, apiserverPort: number): Promise<void> {
    const namespaces = this.store('', 'namespaces');
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await ignoreExists(() => namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    }
    const priorityClasses = this.store('scheduling.k8s.io', 'priorityclasses');
    for (const pc of SYSTEM_PRIORITY_CLASSES) {
      if (!(await priorityClasses.storage.get(priorityClasses.key(undefined, pc.metadata.name!)))) {
        await ignoreExists(() => priorityClasses.create(undefined, structuredClone(pc)));
      }
    }
    // An addon in the addon manager's EnsureExists mode: made when missing at start, never reconciled,
    // so the user may change it or delete it (until the next restart).
    await ignoreExists(() => this.store('storage.k8s.io', 'storageclasses').create(undefined, structuredClone(DEFAULT_STORAGE_CLASS)));
    await Promise.all([
      ensureBootstrapPolicy({
        roles: this.store('rbac.authorization.k8s.io', 'roles'),
        roleBindings: this.store('rbac.authorization.k8s.io', 'rolebindings'),
        clusterRoles: this.store('rbac.authorization.k8s.io', 'clusterroles'),
        clusterRoleBindings: this.store('rbac.authorization.k8s.io', 'clusterrolebindings'),
      }),
      ensureFlowControlObjects(this.store('flowcontrol.apiserver.k8s.io', 'flowschemas'), this.store('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations')),
      syncLocalAPIServices(this.store('apiregistration.k8s.io', 'apiservices'), this.decls),
    ]);
    await this.bootstrapDefaultServiceCIDR();
    const svc: KObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.1',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiserverPort }],
        sessionAffinity: 'None',
      },
    };
    // Checked first: on a restart the service's address is already reserved, so creating it again would
    // fail on the allocation rather than as AlreadyExists.
    const services = this.store('', 'services');
    if (!(await services.storage.get(services.key('default', 'kubernetes')))) {
      await ignoreExists(() => services.create('default', svc));
    }
    const endpoints = this.store('', 'endpoints');
    const ep: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: apiserverHost }], ports: [{ name: 'https', port: apiserverPort, protocol: 'TCP' }] }],
    };
    const existing = await endpoints.storage.get(endpoints.key('default', 'kubernetes'));
    if (!existing) await ignoreExists(() => endpoints.create('default', ep));
    else if (JSON.stringify(existing.subsets) !== JSON.stringify(ep.subsets)) {
      await endpoints.patch('default', 'kubernetes', (cur) => ({ ...cur, subsets: ep.subsets }));
    }
    await this.bootstrapKubernetesEndpointSlice(apiserverHost, apiserverPort);
  }

  /**
   * The ServiceCIDR `kubernetes` for --service-cluster-ip-range, Ready as kube-apiserver's default
   * ServiceCIDR controller marks it (its status is set through /status, as create clears it).
   */
  private async bootstrapDefaultServiceCIDR(): Promise<void> {
    const cidrs = this.store('networking.k8s.io', 'servicecidrs');
    const desired = defaultServiceCIDR(nowRFC3339());
    await ignoreExists(() => cidrs.create(undefined, structuredClone(desired)));
    const current = await cidrs.storage.get(cidrs.key(undefined, DEFAULT_SERVICE_CIDR_NAME));
    const conditions = (current?.status as { conditions?: { type?: string }[] } | undefined)?.conditions ?? [];
    if (!current || conditions.some((c) => c.type === 'Ready')) return;
    await cidrs.patch(undefined, DEFAULT_SERVICE_CIDR_NAME, (cur) => ({ ...cur, status: desired.status }), { subresource: 'status' });
  }

  /**
   * The EndpointSlice `kubernetes` beside the Endpoints, as kube-apiserver's endpoint reconciler
   * (pkg/controlplane/reconcilers/endpointsadapter.go) writes it: only the service-name label (no
   * managed-by), one ready endpoint per API server address, the service's port. Written straight to
   * storage when validation refuses the address: EndpointSlice validation forbids loopback addresses,
   * which a local control plane advertises (the Endpoints strategy tolerates them for that reason).
   */
  private async bootstrapKubernetesEndpointSlice(apiserverHost: string, apiserverPort: number): Promise<void> {
    const slices = this.store('discovery.k8s.io', 'endpointslices');
    const key = slices.key('default', 'kubernetes');
    const desired = {
      labels: { 'kubernetes.io/service-name': 'kubernetes' },
      endpoints: [{ addresses: [apiserverHost], conditions: { ready: true } }],
      ports: [{ name: 'https', port: apiserverPort, protocol: 'TCP' }],
    };
    const existing = await slices.storage.get(key);
    if (existing) {
      const same =
        JSON.stringify(existing.endpoints) === JSON.stringify(desired.endpoints) &&
        JSON.stringify(existing.ports) === JSON.stringify(desired.ports) &&
        JSON.stringify(existing.metadata.labels ?? {}) === JSON.stringify(desired.labels);
      if (same) return;
      const next: KObject = { ...existing, metadata: { ...existing.metadata, labels: desired.labels }, addressType: 'IPv4', ...desired };
      delete (next as Record<string, unknown>).labels;
      try {
        await slices.patch('default', 'kubernetes', () => structuredClone(next));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 422)) throw err;
        await slices.storage.update(key, next, Number(existing.metadata.resourceVersion));
      }
      return;
    }
    const slice: KObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: desired.labels },
      addressType: 'IPv4',
      endpoints: desired.endpoints,
      ports: desired.ports,
    };
    try {
      await ignoreExists(() => slices.create('default', structuredClone(slice)));
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 422)) throw err;
      slice.metadata = { ...slice.metadata, uid: randomUUID(), creationTimestamp: nowRFC3339(), generation: 1 };
      try {
        await slices.storage.create(key, slice);
      } catch (e) {
        if (!(e instanceof StorageError && e.code === 'KeyExists')) throw e;
      }
    }
  }

  private rbac?: { authorizer: RbacAuthorizer; policy: CachedPolicy };

  /** The RBAC authorizer over the rbac stores' watch caches, started on first use. */
  async rbacAuthorizer(): Promise<RbacAuthorizer> {
    if (!this.rbac) {
      const cacher = (resource: string) => this.store('rbac.authorization.k8s.io', resource).cacher;
      const policy = new CachedPolicy({ Role: cacher('roles'), RoleBinding: cacher('rolebindings'), ClusterRole: cacher('clusterroles'), ClusterRoleBinding: cacher('clusterrolebindings') });
      this.rbac = { authorizer: new RbacAuthorizer(policy), policy };
    }
    await this.rbac.policy.ready();
    return this.rbac.authorizer;
  }

  close(): void {
    this.rbac?.policy.close();
    this.crdController.stop();
    for (const s of this.stores.values()) s.cacher.close();
  }
}

async function ignoreExists(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return;
    throw err;
  }
}

/** Custom resources are kept per version (several versions of one CRD share their objects). */
function storeKey(d: ResourceDecl): string {
  return `${d.group}/${d.version}/${d.resource}`;
}
