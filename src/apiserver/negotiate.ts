// Content negotiation: which representation a client asked for (Accept) and which it sent (Content-Type).
import { notAcceptable, unsupportedMediaType } from '../api/errors.ts';

export type OutputKind =
  | { type: 'json' }
  | { type: 'yaml' }
  | { type: 'table'; version: 'v1' | 'v1beta1' }
  | { type: 'pom'; list: boolean }
  | { type: 'discovery'; version: 'v2' | 'v2beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [t, ...ps] = part.split(';');
    const type = (t ?? '').trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    out.push({ type, params });
  }
  return out.length ? out : [{ type: '*/*', params: {} }];
}

export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/**
 * Pick the first acceptable representation in the client's order. `allowDiscovery` is set on /api
 * and /apis, the only endpoints that answer aggregated discovery.
 */
export function negotiate(accept: string | undefined, opts: { list: boolean; allowDiscovery?: boolean }): OutputKind {
  for (const m of parseAccept(accept)) {
    const as = m.params['as'];
    if (m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*') {
      if (!as) return { type: 'json' };
      if (as === 'Table' && m.params['g'] === 'meta.k8s.io') {
        const v = m.params['v'];
        if (v === 'v1' || v === 'v1beta1') return { type: 'table', version: v };
        continue;
      }
      if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && m.params['g'] === 'meta.k8s.io') {
        if (m.params['v'] !== 'v1' && m.params['v'] !== 'v1beta1') continue;
        if (as === 'PartialObjectMetadataList' && !opts.list) continue;
        if (as === 'PartialObjectMetadata' && opts.list) continue;
        return { type: 'pom', list: opts.list };
      }
      if (as === 'APIGroupDiscoveryList' && opts.allowDiscovery && m.params['g'] === 'apidiscovery.k8s.io') {
        const v = m.params['v'];
        if (v === 'v2' || v === 'v2beta1') return { type: 'discovery', version: v };
      }
      continue;
    }
    if (m.type === 'application/yaml' && !as) return { type: 'yaml' };
  }
  throw notAcceptable(SERVED_MEDIA_TYPES);
}

export type BodyKind = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export function bodyKind(contentType: string | undefined, patch: boolean): BodyKind {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (patch) {
    switch (t) {
      case 'application/json-patch+json':
        return 'json-patch';
      case 'application/merge-patch+json':
        return 'merge-patch';
      case 'application/strategic-merge-patch+json':
        return 'strategic-merge-patch';
      case 'application/apply-patch+yaml':
        return 'apply-patch';
      default:
        throw unsupportedMediaType([
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/apply-patch+yaml',
          'application/strategic-merge-patch+json',
        ]);
    }
  }
  if (t === 'application/json' || t === '') return 'json';
  if (t === 'application/yaml') return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw unsupportedMediaType(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
}
