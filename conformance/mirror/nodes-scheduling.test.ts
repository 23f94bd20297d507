// One `wheelhouse up` for the mirrors that reason about whole nodes: scheduling and preemption (first, while
// no other test's pods hold CPU), DaemonSets, ControllerRevisions and StatefulSets, and the two-node check.
import { architectureMirrors } from './sig-architecture/nodes.ts';
import { daemonSetStatefulSetMirrors } from './sig-apps/daemonsets-statefulsets.ts';
import { schedulingMirrors } from './sig-scheduling/scheduling.ts';
import { mirrorCluster } from './support.ts';

const m = mirrorCluster();
schedulingMirrors(m);
daemonSetStatefulSetMirrors(m);
architectureMirrors(m);
