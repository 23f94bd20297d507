// The KubeConfig every in-cluster component starts from: either the URL of a server (components that
// `wheelhouse up` runs next to the API server) or a kubeconfig file (components joining a running
// cluster from another process or machine).
import { KubeConfig } from '@kubernetes/client-node';

/** A KubeConfig with one cluster, one anonymous user and one context. */
export function kubeConfigForServer(server: string, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'wheelhouse', server, skipTLSVerify: server.startsWith('http:') }],
    users: [{ name: 'wheelhouse' }],
    contexts: [{ name: 'wheelhouse', cluster: 'wheelhouse', user: 'wheelhouse', namespace }],
    currentContext: 'wheelhouse',
  });
  return kc;
}

/**
 * A KubeConfig from a file (or the usual $KUBECONFIG / ~/.kube/config search when no path is given).
 * The client library refuses plain-HTTP servers unless TLS verification is marked as skipped; there
 * is no TLS to verify on such a server, so that flag is set for them.
 */
export function kubeConfigFromFile(path?: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (context) kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig ${path ?? '(default)'} has no current cluster`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    const clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c));
    const fixed = new KubeConfig();
    fixed.loadFromOptions({ clusters, users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext });
    return fixed;
  }
  return kc;
}
