// One `wheelhouse up` for the sig-node object mirrors (ConfigMaps, Secrets, PodTemplates, Leases,
// RuntimeClasses, Pods, Nodes), the sig-network API mirrors (EndpointSlices, Ingresses, Services) and the
// sig-cli kubectl mirrors.
import { kubectlMirrors } from './sig-cli/kubectl.ts';
import { networkApiMirrors } from './sig-network/services-endpoints.ts';
import { nodeApiMirrors } from './sig-node/api-objects.ts';
import { mirrorCluster } from './support.ts';

const m = mirrorCluster();
nodeApiMirrors(m);
networkApiMirrors(m);
kubectlMirrors(m);
