// One `wheelhouse up` for the API machinery mirrors that need controllers and pods: namespace deletion,
// resource quota usage and the garbage collector.
import { garbageCollectorMirrors } from './sig-api-machinery/garbage-collector.ts';
import { namespaceQuotaMirrors } from './sig-api-machinery/namespaces-quota.ts';
import { mirrorCluster } from './support.ts';

const m = mirrorCluster();
namespaceQuotaMirrors(m);
garbageCollectorMirrors(m);
