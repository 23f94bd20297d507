// The kubeconfig `wheelhouse up` writes so that kubectl and client libraries find the cluster.
import { writeFileSync } from 'node:fs';
import YAML from 'yaml';

export function kubeconfigYAML(serverURL: string, clusterName = 'wheelhouse'): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: serverURL } }],
    users: [{ name: 'admin', user: {} }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: 'admin', namespace: 'default' } }],
    'current-context': clusterName,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, serverURL: string): void {
  writeFileSync(path, kubeconfigYAML(serverURL), { mode: 0o600 });
}
