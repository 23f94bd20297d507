// One `wheelhouse up` for the workload controller mirrors: Deployments, ReplicaSets, ReplicationControllers,
// Jobs, CronJob operations and PodDisruptionBudgets.
import { deploymentReplicaSetMirrors } from './sig-apps/deployments-replicasets.ts';
import { jobDisruptionMirrors } from './sig-apps/jobs-disruption.ts';
import { mirrorCluster } from './support.ts';

const m = mirrorCluster();
deploymentReplicaSetMirrors(m);
jobDisruptionMirrors(m);
