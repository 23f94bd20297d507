// Every controller the controller manager can run, by the name kube-controller-manager's
// --controllers flag uses. Adding a controller is one file and one line here.
import type { ControllerFactory } from './controller.ts';
import { NodeIpamController } from './node-ipam.ts';

export const CONTROLLERS: Record<string, ControllerFactory> = {
  'node-ipam-controller': (ctx) => new NodeIpamController({ kubeConfig: ctx.kubeConfig, clusterCIDR: ctx.clusterCIDR, log: ctx.log }),
};
