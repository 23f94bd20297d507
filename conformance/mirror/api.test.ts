// One `wheelhouse up` without node agents for the mirrors that only need the API: discovery, watch, lists,
// field validation, flowcontrol and CustomResourceDefinition objects; storage, events and ServiceAccount lifecycles.
import { apiSurfaceMirrors } from './sig-api-machinery/api-surface.ts';
import { crdMirrors } from './sig-api-machinery/crds.ts';
import { serviceAccountMirrors } from './sig-auth/service-accounts.ts';
import { eventMirrors } from './sig-instrumentation/events.ts';
import { storageApiMirrors } from './sig-storage/storage-apis.ts';
import { mirrorCluster } from './support.ts';

const m = mirrorCluster(['--nodes', '0']);
apiSurfaceMirrors(m);
crdMirrors(m);
storageApiMirrors(m);
eventMirrors(m);
serviceAccountMirrors(m);
