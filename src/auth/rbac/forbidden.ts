// The 403 an authorizer's refusal becomes (k8s.io/apiserver endpoints/handlers/responsewriters
// forbiddenMessage and ForbiddenStatusError), in upstream's three forms: namespaced, cluster scope and
// non-resource path.
import { StatusError, forbidden } from '../../api/errors.ts';
import type { RequestAttributes, UserInfo } from './rules.ts';

export function forbiddenMessage(user: UserInfo | undefined, attrs: RequestAttributes): string {
  const who = JSON.stringify(user?.name ?? '');
  if (!attrs.resourceRequest) return `User ${who} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const head = `User ${who} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace ? `${head} in the namespace ${JSON.stringify(attrs.namespace)}` : `${head} at the cluster scope`;
}

/** The Forbidden Status for a denied request; `reason` (the authorizer's) is appended after ": ". */
export function forbiddenError(user: UserInfo | undefined, attrs: RequestAttributes, reason = ''): StatusError {
  const msg = reason ? `${forbiddenMessage(user, attrs)}: ${reason}` : forbiddenMessage(user, attrs);
  if (!attrs.resourceRequest) return new StatusError(403, 'Forbidden', `forbidden: ${msg}`, {});
  return forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name ?? '', msg);
}
