// Annotation keys shared by the API server and the node agents.

/**
 * On a Node run by a hollow node agent: the host its kubelet server listens on (loopback). The
 * node's InternalIP is simulated, so the API server dials this host and daemonEndpoints' port for
 * pods/log instead.
 */
export const KUBELET_HOST_ANNOTATION = 'sim.wheelhouse.io/kubelet-host';
