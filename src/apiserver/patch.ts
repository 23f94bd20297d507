// PATCH bodies: decode by Content-Type, apply to the current object inside the store's retry loop,
// and decode the result against the schema as handlers/patch.go does upstream: a value of the wrong
// type always fails, unknown and repeated fields as `fieldValidation` asks.
import type { Request } from 'express';
import { StatusError, badRequest, invalid, unsupportedMediaType } from '../api/errors.ts';
import { fieldErrors } from '../api/field-errors.ts';
import type { SchemaNode } from '../api/schema/types.ts';
import type { KObject } from '../api/types.ts';
import { applyJSONPatch } from '../patch/json-patch.ts';
import { applyMergePatch } from '../patch/merge-patch.ts';
import { StrategicMergePatchError, applyStrategicMergePatch } from '../patch/strategic.ts';
import { applyPatcher, type ApplyTarget } from './apply-patch.ts';
import { scanJSON } from './decode/json-scan.ts';
import { decodeAgainstSchema, fieldValidationDirective } from './field-validation.ts';
import { bodyKind } from './negotiate.ts';

export interface Patcher {
  /** Turns the stored object into the patched one; run again on every retry after a conflict. */
  mutate(current: KObject): KObject;
  /** Warning texts of the last run (fieldValidation=Warn), to send once the write went through. */
  readonly warnings: string[];
  /** Server-side apply: the object `mutate` returns carries its managed fields already. */
  readonly applied?: boolean;
  /** Server-side apply to an object that does not exist yet: the object to create. */
  create?(name: string): KObject;
}

/** fmt's %+v of a decoded JSON value, as upstream prints a strategic merge patch in errors. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/**
 * `unknownFields` is given for unstructured kinds (custom resources): their patched result is not
 * decoded into types, only checked for fields the schema would prune; wrong types are left to validation.
 */
export function patcher(
  req: Request,
  schema: SchemaNode | undefined,
  unknownFields?: (obj: KObject) => string[],
  applyTo?: ApplyTarget,
): Patcher {
  const kind = bodyKind(req.get('content-type'), true);
  const query = req.query as Record<string, string | string[] | undefined>;
  const raw = query.fieldValidation;
  const directive = fieldValidationDirective(Array.isArray(raw) ? raw[raw.length - 1] : raw, 'PatchOptions');
  if (kind === 'apply-patch') {
    if (applyTo) return applyPatcher(req, directive, applyTo, schema);
    // Endpoints without a field manager of their own (scale) take no apply patches.
    throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  }
  const buf = req.body as Buffer | undefined;
  const text = Buffer.isBuffer(buf) ? buf.toString('utf8') : '';
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
  const checking = directive !== 'Ignore';
  const scan = kind === 'json-patch' ? undefined : scanJSON(text);
  // Keys the patch itself repeats (only JSON merge-style patches have object keys that matter).
  const repeated = checking && scan ? scan.duplicates.map((p) => `duplicate field "${p}"`) : [];
  // A merge patch's paths are the result's paths, so its number literals are the ones upstream decodes.
  const numbers = kind === 'merge-patch' ? scan?.numbers : undefined;
  // Upstream decodes a JSON or merge patch's result with the JSON decoder, and converts a strategic
  // merge patch's result map with the unstructured converter, whose errors read differently.
  const decoder = kind === 'strategic-merge-patch' ? 'unstructured' : 'json';
  const apply = (cur: KObject): unknown => {
    switch (kind) {
      case 'json-patch':
        return applyJSONPatch(cur, patch);
      case 'merge-patch':
        return applyMergePatch(cur, patch);
      default:
        try {
          return applyStrategicMergePatch(cur, patch, schema);
        } catch (err) {
          if (err instanceof StrategicMergePatchError) {
            throw new StatusError(err.code, err.reason, err.statusMessage);
          }
          throw err;
        }
    }
  };
  const warnings: string[] = [];
  return {
    warnings,
    mutate(cur) {
      const next = apply(cur) as KObject;
      warnings.length = 0;
      // Upstream reports the patched object (JSON and merge patches) or the patch (strategic) as the value.
      const shown = () => (kind === 'strategic-merge-patch' ? goValue(patch) : JSON.stringify(apply(cur)));
      const decoded = unknownFields ? { error: undefined, unknown: unknownFields(next) } : decodeAgainstSchema(next, schema, { decoder, numbers });
      // A value of the wrong type fails the patch whatever fieldValidation says, and trumps strict errors.
      if (decoded.error !== undefined) throw invalid('', '', [fieldErrors.invalid('patch', shown(), decoded.error)]);
      if (!checking) return next;
      const problems = [...repeated, ...decoded.unknown.map((p) => `unknown field "${p}"`)];
      if (problems.length === 0) return next;
      if (directive === 'Warn') {
        warnings.push(...problems);
        return next;
      }
      throw invalid('', '', [fieldErrors.invalid('patch', shown(), `strict decoding error: ${problems.join(', ')}`)]);
    },
  };
}
