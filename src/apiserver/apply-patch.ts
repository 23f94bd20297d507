// Server-side apply bodies (application/apply-patch+yaml): the configuration is decoded from YAML
// once, then applied to the stored object on every try of the store's update loop, or to nothing when
// the object does not exist yet (apply creates). Duplicate keys answer as fieldValidation asks, after
// the apply, as upstream's applyPatcher checks them.
import type { Request } from 'express';
import YAML from 'yaml';
import { StatusError, badRequest } from '../api/errors.ts';
import type { SchemaNode } from '../api/schema/types.ts';
import type { KObject } from '../api/types.ts';
import { applyConfig, gvkText, type FieldsScope } from '../managedfields/field-manager.ts';
import type { FieldValidation } from './field-validation.ts';
import { decodeAgainstSchema } from './field-validation.ts';
import type { Patcher } from './patch.ts';

export interface ApplyTarget {
  scope: FieldsScope;
  /** The fieldManager query parameter (validated as required before). */
  manager: string;
  force: boolean;
}

/** The strict-decoding complaint about repeated keys, as sigs.k8s.io/yaml words it, or undefined. */
function duplicateKeys(text: string): string | undefined {
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  const lines: string[] = [];
  for (const e of doc.errors) {
    if (e.code !== 'DUPLICATE_KEY') continue;
    const line = text.slice(0, e.pos[0]).split('\n').length;
    const key = /^\s*"?([^":]*)"?\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? '';
    lines.push(`  line ${line}: key ${JSON.stringify(key)} already set in map`);
  }
  if (lines.length === 0) return undefined;
  return `error converting YAML to JSON: yaml: unmarshal errors:\n${lines.join('\n')}`;
}

/** The body's text and its YAML, repeated keys allowed (the last one wins, as upstream's decoder does). */
function decodeYAML(req: Request): { text: string; parsed: unknown } {
  const buf = req.body as Buffer | undefined;
  const text = Buffer.isBuffer(buf) ? buf.toString('utf8') : '';
  try {
    return { text, parsed: (YAML.parse(text, { uniqueKeys: false }) as unknown) ?? {} };
  } catch (err) {
    throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function applyPatcher(req: Request, directive: FieldValidation, target: ApplyTarget, schema: SchemaNode | undefined): Patcher {
  const { text, parsed } = decodeYAML(req);
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    const what = Array.isArray(parsed) ? 'array' : typeof parsed === 'string' ? 'string' : typeof parsed;
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  const config = parsed as KObject;
  const strict = directive === 'Ignore' ? undefined : duplicateKeys(text);
  const warnings: string[] = [];
  const checked = (obj: KObject): KObject => {
    // A value of the wrong type cannot become the typed object upstream builds from the configuration.
    const decoded = decodeAgainstSchema(structuredClone(config), schema, { decoder: 'json' });
    if (decoded.error !== undefined) {
      const m = config.metadata ?? {};
      throw new StatusError(
        500,
        '',
        `failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${gvkText(config.apiVersion, config.kind)}): ${decoded.error}`,
      );
    }
    warnings.length = 0;
    if (strict !== undefined) {
      if (directive === 'Strict') throw badRequest(`error strict decoding YAML: ${strict}`);
      // One warning per complaint, as upstream splits the YAML decoder's message.
      warnings.push(...strict.split('\n').slice(1).map((l) => l.trim()));
    }
    return obj;
  };
  return {
    warnings,
    applied: true,
    mutate(current) {
      return checked(applyConfig(target.scope, current, structuredClone(config), target.manager, target.force));
    },
    create(name) {
      const obj = checked(applyConfig(target.scope, undefined, structuredClone(config), target.manager, target.force));
      const got = obj.metadata.name ?? '';
      if (got !== name) throw badRequest(`the name of the object (${got}) does not match the name on the URL (${name})`);
      return obj;
    },
  };
}

/**
 * Server-side apply through /scale of a built-in kind: the configuration is a Scale; what it applies
 * is the parent's `.spec.replicas`, recorded for the manager with subresource `scale` (upstream maps
 * the parent's managed fields to the Scale and back; with one field the outcome is the same).
 */
export function scaleApplyPatcher(req: Request, target: ApplyTarget): { desired(): KObject; apply(current: KObject, replicas: number): KObject } {
  const scale = decodeYAML(req).parsed as KObject;
  const gvk = gvkText(scale.apiVersion, scale.kind);
  if (gvk !== 'autoscaling/v1, Kind=Scale') throw badRequest(`invalid object type: ${gvk}`);
  if (scale.metadata?.managedFields !== undefined && scale.metadata.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  return {
    desired: () => structuredClone(scale),
    apply(current, replicas) {
      const { scope } = target;
      const parent: KObject = { apiVersion: scope.apiVersion, kind: scope.kind, metadata: { name: current.metadata.name }, spec: { replicas } };
      return applyConfig(scope, current, parent, target.manager, target.force);
    },
  };
}
