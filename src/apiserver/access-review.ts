// POST subjectaccessreviews / localsubjectaccessreviews (pkg/registry/authorization): validated as
// upstream validates them, answered by the RBAC authorizer, never stored. The answer is the request
// with its status filled in.
import { badRequest, invalid } from '../api/errors.ts';
import { type FieldError, fieldErrors } from '../api/field-errors.ts';
import type { KObject } from '../api/types.ts';
import type { RequestAttributes, UserInfo } from '../auth/rbac/rules.ts';
import type { Registry } from '../registry/registry.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Metadata a review may carry: nothing but (for the local kind) its namespace, and managed fields. */
function metaIsEmpty(meta: Obj, allowNamespace: boolean): boolean {
  return Object.entries(meta).every(([k, v]) => {
    if (k === 'managedFields' || (allowNamespace && k === 'namespace')) return true;
    if (v === null || v === undefined || v === '' || (k === 'creationTimestamp' && v === null)) return true;
    if (Array.isArray(v)) return v.length === 0;
    return isObj(v) && Object.keys(v).length === 0;
  });
}

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (isObj(ra) && isObj(nra)) errs.push(fieldErrors.invalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes'));
  if (!isObj(ra) && !isObj(nra)) errs.push(fieldErrors.invalid('spec.resourceAttributes', nra ?? null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (str(spec.user) === '' && strings(spec.groups).length === 0) errs.push(fieldErrors.invalid('spec.user', str(spec.user), 'at least one of user or group must be specified'));
  return errs;
}

/** authorizationutil.AuthorizationAttributesFrom: the user and request a review describes. */
function attributesFrom(spec: Obj): { user: UserInfo; attrs: RequestAttributes } {
  const extra = isObj(spec.extra) ? Object.fromEntries(Object.entries(spec.extra).map(([k, v]) => [k, strings(v)])) : undefined;
  const user: UserInfo = { name: str(spec.user), groups: strings(spec.groups), uid: str(spec.uid) || undefined, extra };
  if (isObj(spec.resourceAttributes)) {
    const ra = spec.resourceAttributes;
    return {
      user,
      attrs: {
        resourceRequest: true,
        verb: str(ra.verb),
        apiGroup: str(ra.group),
        resource: str(ra.resource),
        subresource: str(ra.subresource),
        name: str(ra.name),
        namespace: str(ra.namespace),
      },
    };
  }
  const nra = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return { user, attrs: { resourceRequest: false, verb: str(nra.verb), path: str(nra.path) } };
}

/** Answers one review; `namespace` is the URL's (local reviews only). */
export async function reviewAccess(registry: Registry, kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview', namespace: string | undefined, body: unknown): Promise<KObject> {
  if (!isObj(body)) throw badRequest(`not a ${kind}: ${JSON.stringify(body)}`);
  const review = structuredClone(body) as KObject;
  const meta: Obj = isObj(review.metadata) ? (review.metadata as Obj) : {};
  review.metadata = meta;
  const local = kind === 'LocalSubjectAccessReview';
  // EnsureObjectNamespaceMatchesRequestNamespace: a cluster-scoped kind drops a namespace, a local one takes the URL's.
  if (!local) delete meta.namespace;
  else if (!meta.namespace) meta.namespace = namespace;
  else if (meta.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const spec: Obj = isObj(review.spec) ? (review.spec as Obj) : {};
  const errs = validateSpec(spec);
  if (!metaIsEmpty(meta, local)) errs.push(fieldErrors.invalid('metadata', meta, local ? 'must be empty except for namespace' : 'must be empty'));
  if (local) {
    const ra = spec.resourceAttributes;
    if (isObj(ra) && str(ra.namespace) !== str(meta.namespace)) errs.push(fieldErrors.invalid('spec.resourceAttributes.namespace', str(ra.namespace), 'must match metadata.namespace'));
    if (isObj(spec.nonResourceAttributes)) errs.push(fieldErrors.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  }
  if (errs.length > 0) throw invalid(`${kind}.authorization.k8s.io`, '', errs);
  const { user, attrs } = attributesFrom(spec);
  const result = (await registry.rbacAuthorizer()).authorize(user, attrs);
  const status: Obj = { allowed: result.decision === 'Allow' };
  if (result.reason) status.reason = result.reason;
  review.spec = spec;
  review.status = status;
  return review;
}
