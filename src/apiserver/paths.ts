// URL → (resource, namespace, name, subresource), the way kube-apiserver's installer lays paths out.
import type { ResourceDecl } from '../api/types.ts';

export interface ResourceRoute {
  decl: ResourceDecl;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Reached through the deprecated /watch/ prefix: a watch of the collection, or of one object by name. */
  watchPath?: boolean;
}

export function parseResourcePath(segs: string[], decls: readonly ResourceDecl[]): ResourceRoute | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else return undefined;
  // /<gv>/watch/... is the same resource, watched; it has no subresources.
  const watchPath = rest[0] === 'watch';
  if (watchPath) {
    rest = rest.slice(1);
    if (rest.length === 0 || rest.length > (rest[0] === 'namespaces' && rest.length > 2 ? 4 : 2)) return undefined;
  }
  const find = (resource: string) =>
    decls.find((d) => d.group === group && d.version === version && d.resource === resource);

  // /namespaces/<ns>/<resource>[/<name>[/<sub>]] for namespaced resources
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const d = find(rest[2]!);
    if (d && d.namespaced) {
      if (rest.length > 5) return undefined;
      if (rest[4] !== undefined && !d.subresources.some((s) => s.name === rest[4])) return undefined;
      return { decl: d, namespace: rest[1], name: rest[3], subresource: rest[4], ...(watchPath ? { watchPath } : {}) };
    }
  }
  const d = find(rest[0]!);
  if (!d || rest.length > 3) return undefined;
  // A namespaced resource at cluster level is a list/watch across all namespaces; nothing deeper.
  if (d.namespaced && rest.length > 1) return undefined;
  const route: ResourceRoute = { decl: d, name: rest[1], subresource: rest[2], ...(watchPath ? { watchPath } : {}) };
  if (route.subresource && (watchPath || !d.subresources.some((s) => s.name === route.subresource))) return undefined;
  return route;
}
