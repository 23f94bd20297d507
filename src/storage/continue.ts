// Continue tokens in upstream's encoding: base64url (no padding) of
// {"v":"meta.k8s.io/v1","rv":<snapshot revision>,"start":"<next key relative to the resource prefix>"}.
import { badRequest } from '../api/errors.ts';

interface Token {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(startKey: string, resourcePrefix: string, revision: number): string {
  const start = startKey.startsWith(resourcePrefix) ? startKey.slice(resourcePrefix.length) : startKey;
  const token: Token = { v: 'meta.k8s.io/v1', rv: revision, start };
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

/** Returns the full start key and the snapshot revision (-1: newest). */
export function decodeContinue(token: string, resourcePrefix: string): { startKey: string; revision: number } {
  let parsed: Token;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Token;
  } catch (err) {
    throw badRequest(`continue key is not valid: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (parsed.v !== 'meta.k8s.io/v1') {
    throw badRequest(`continue key is not valid: server does not recognize this encoded key`);
  }
  if (typeof parsed.rv !== 'number' || parsed.rv === 0) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof parsed.start !== 'string' || parsed.start.length === 0) {
    throw badRequest('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  }
  // Reject keys that would escape the resource prefix after path cleaning.
  const segs = parsed.start.replace(/\u0000$/, '').split('/');
  if (parsed.start.startsWith('/') || segs.some((s) => s === '..' || s === '.')) {
    throw badRequest('continue key is not valid: key is not valid');
  }
  return { startKey: resourcePrefix + parsed.start, revision: parsed.rv };
}
