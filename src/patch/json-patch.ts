// RFC 6902 JSON patch through the `jsonpatch` library, with failures as Kubernetes errors.
import jsonpatch from 'jsonpatch';
import { StatusError, badRequest } from '../api/errors.ts';

export function applyJSONPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return jsonpatch.apply_patch(doc, patch as { op: string; path: string }[]);
  } catch (err) {
    // Upstream reports a failed application (e.g. a failing "test" op) as 422 Invalid without causes.
    const msg = err instanceof Error ? err.message : String(err);
    throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${msg}`);
  }
}
