// Every controller the controller manager can run, by the name kube-controller-manager's
// --controllers flag uses. Adding a controller is one file and one line here.
import type { ControllerFactory } from './controller.ts';
import { newHorizontalPodAutoscalerController } from './horizontal-pod-autoscaler.ts';
import { NodeIpamController } from './node-ipam.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { NamespaceController } from './namespace.ts';
import { NodeLifecycleController } from './node-lifecycle.ts';
import { TaintEvictionController } from './taint-eviction.ts';
import { newReplicaSetController, newReplicationControllerController } from './replicaset.ts';
import { newDeploymentController } from './deployment.ts';
import { newDaemonSetController } from './daemonset.ts';
import { newStatefulSetController } from './statefulset.ts';
import { EndpointsController } from './endpoints.ts';
import { EndpointSliceController } from './endpointslice.ts';
import { ServiceAccountsController } from './serviceaccounts.ts';
import { ResourceQuotaController } from './resourcequota.ts';
import { newJobController } from './job.ts';
import { newCronJobController } from './cronjob.ts';
import { newTTLAfterFinishedController } from './ttl-after-finished.ts';
import { PersistentVolumeBinder } from './pv-binder.ts';
import { SimulatedProvisioner } from './simulated-provisioner.ts';
import { newDisruptionController } from './disruption.ts';
import { ClusterRoleAggregationController } from './clusterrole-aggregation.ts';

export const CONTROLLERS: Record<string, ControllerFactory> = {
  'horizontalpodautoscaling-controller': newHorizontalPodAutoscalerController,
  'node-ipam-controller': (ctx) => new NodeIpamController({ kubeConfig: ctx.kubeConfig, clusterCIDR: ctx.clusterCIDR, log: ctx.log }),
  'replicaset-controller': newReplicaSetController,
  'replicationcontroller-controller': newReplicationControllerController,
  'deployment-controller': newDeploymentController,
  'daemonset-controller': newDaemonSetController,
  'statefulset-controller': newStatefulSetController,
  'node-lifecycle-controller': (ctx) => new NodeLifecycleController(ctx),
  'taint-eviction-controller': (ctx) => new TaintEvictionController(ctx),
  'endpoints-controller': (ctx) => new EndpointsController(ctx),
  'endpointslice-controller': (ctx) => new EndpointSliceController(ctx),
  'serviceaccount-controller': (ctx) => new ServiceAccountsController(ctx),
  'garbage-collector-controller': (ctx) => new GarbageCollector(ctx),
  'namespace-controller': (ctx) => new NamespaceController(ctx),
  'resourcequota-controller': (ctx) => new ResourceQuotaController(ctx),
  'job-controller': newJobController,
  'cronjob-controller': newCronJobController,
  'ttl-after-finished-controller': newTTLAfterFinishedController,
  'persistentvolume-binder-controller': (ctx) => new PersistentVolumeBinder(ctx),
  'disruption-controller': newDisruptionController,
  'clusterrole-aggregation-controller': (ctx) => new ClusterRoleAggregationController(ctx),
  'wheelhouse-simulated-provisioner': (ctx) => new SimulatedProvisioner(ctx),
};
