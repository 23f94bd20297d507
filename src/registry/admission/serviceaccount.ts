// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount) on pod create: a pod
// without a service account gets `default`, the account must exist, and a pod without image pull
// secrets inherits the account's. Mirror pods are left alone but may not name an account.
//
// Not done here: mounting the projected API token volume (`kube-api-access-…`). It needs the
// TokenRequest API and the kube-root-ca.crt publisher, which come with authentication.
import { forbidden } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import type { GenericStore } from '../store.ts';
import type { AdmissionPlugin } from './chain.ts';

const PODS = { group: '', resource: 'pods' };
export const DEFAULT_SERVICE_ACCOUNT = 'default';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** The default account is created by the service account controller a moment after its namespace: wait that long for it. */
const DEFAULT_ACCOUNT_ATTEMPTS = 10;

type Obj = Record<string, unknown>;

export interface ServiceAccountLookupOptions {
  /** Pause between the live reads of a missing default account (upstream: a random 100–200 ms). */
  retryIntervalMs?: () => number;
}

/**
 * Finds an account as upstream's plugin does: its informer first, then live reads — several, spaced
 * out, for the default account the controller is about to create.
 */
export function serviceAccountLookup(store: GenericStore, opts: ServiceAccountLookupOptions = {}): (namespace: string, name: string) => Promise<KObject | undefined> {
  const interval = opts.retryIntervalMs ?? (() => 100 + Math.floor(Math.random() * 100));
  return async (namespace, name) => {
    const key = store.key(namespace, name);
    const cached = await store.cacher.get(key);
    if (cached) return cached;
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, interval()));
      const live = await store.storage.get(key);
      if (live) return live;
    }
    return undefined;
  };
}

export function serviceAccountPlugin(lookup: (namespace: string, name: string) => Promise<KObject | undefined>): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    handles: (gr) => gr.group === '' && gr.resource === 'pods',
    admit: async (req) => {
      if (req.operation !== 'CREATE') return;
      const pod = req.object;
      const spec = (pod.spec ?? {}) as Obj;
      pod.spec = spec;
      const podName = pod.metadata.name ?? pod.metadata.generateName ?? '';
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
        if (spec.serviceAccountName) throw forbidden(PODS, podName, 'a mirror pod may not reference service accounts');
        return;
      }
      // The deprecated alias still names the account when the field does not.
      if (!spec.serviceAccountName && typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
      if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
      const name = String(spec.serviceAccountName);
      const account = await lookup(req.namespace, name);
      if (!account) throw forbidden(PODS, podName, `error looking up service account ${req.namespace}/${name}: serviceaccount "${name}" not found`);
      const pullSecrets = Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : [];
      const inherited = (account as Obj).imagePullSecrets;
      if (pullSecrets.length === 0 && Array.isArray(inherited) && inherited.length > 0) {
        spec.imagePullSecrets = inherited.map((s: Obj) => ({ name: s.name }));
      }
    },
  };
}
