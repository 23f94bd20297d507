// The resource.k8s.io strategies, keyed by plural resource name; `<version>/<resource>` names a beta
// version over the same stored v1 objects. kube-apiserver 1.35 leaves v1beta1 and v1beta2 off unless
// --runtime-config turns them on, so the catalogue declares v1 only and those entries stay unused
// until a declaration serves them (docs/apis/resource.md).
import type { Strategy } from '../strategy.ts';
import { betaStrategy } from './conversion.ts';
import { deviceClassStrategy } from './deviceclasses.ts';
import { resourceClaimStrategy } from './resourceclaims.ts';
import { resourceClaimTemplateStrategy } from './resourceclaimtemplates.ts';
import { resourceSliceStrategy } from './resourceslices.ts';

const V1: Record<string, [string, Strategy]> = {
  deviceclasses: ['DeviceClass', deviceClassStrategy],
  resourceclaims: ['ResourceClaim', resourceClaimStrategy],
  resourceclaimtemplates: ['ResourceClaimTemplate', resourceClaimTemplateStrategy],
  resourceslices: ['ResourceSlice', resourceSliceStrategy],
};

export const resourceStrategies: Record<string, Strategy> = Object.fromEntries(
  Object.entries(V1).flatMap(([resource, [kind, v1]]) => [
    [resource, v1],
    [`v1beta2/${resource}`, betaStrategy(v1, 'v1beta2', kind)],
    [`v1beta1/${resource}`, betaStrategy(v1, 'v1beta1', kind)],
  ]),
);
