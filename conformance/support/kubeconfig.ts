// The kubeconfig `wheelhouse up` writes, as a client-node KubeConfig. The server speaks plain HTTP on
// loopback, which client-node only accepts when the cluster entry skips TLS verification.
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  kc.clusters = kc.clusters.map((c) => ({ ...c, skipTLSVerify: true }));
  return kc;
}
