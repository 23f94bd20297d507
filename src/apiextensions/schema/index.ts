// The schema engine of one CustomResourceDefinition version: pruning, defaulting and validation of custom
// resources as apiextensions-apiserver does them, plus the schema's SchemaNode and published OpenAPI forms.
// The schema is compiled once; every CR write then only walks the object.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { schemaForDefinition } from '../../api/schema/index.ts';
import type { SchemaNode } from '../../api/schema/types.ts';
import { compileSchema, type CompiledSchema } from './compile.ts';
import { validateRules } from './cel.ts';
import { applyDefaults } from './defaults.ts';
import { OpenAPIValidation } from './openapi-validate.ts';
import { pruneObject } from './prune.ts';
import { publishSchema, type GroupVersionKind } from './publish.ts';
import { toSchemaNode } from './schema-node.ts';
import { checkEmbedded, checkLists } from './structure-checks.ts';
import type { JSONSchemaProps } from './types.ts';

export type { JSONSchemaProps, ValidationRule } from './types.ts';
export type { GroupVersionKind } from './publish.ts';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const RULES_NOT_CHECKED = fieldErrors.invalid(
  '<nil>',
  'null',
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
);

export class CustomResourceSchema {
  private readonly compiled: CompiledSchema | undefined;
  private nodeCache: SchemaNode | undefined;
  private metaNode: SchemaNode | undefined | null = null;

  /** `schema` is a version's openAPIV3Schema (undefined: no schema — everything is preserved). */
  constructor(private readonly schema: JSONSchemaProps | undefined) {
    this.compiled = schema === undefined ? undefined : compileSchema(schema);
  }

  private objectMeta(): SchemaNode | undefined {
    if (this.metaNode === null) this.metaNode = schemaForDefinition(OBJECT_META);
    return this.metaNode;
  }

  /**
   * Removes, in place, every field the schema does not declare (except under
   * x-kubernetes-preserve-unknown-fields), keeps apiVersion/kind/metadata at the root and in embedded
   * resources, prunes metadata to ObjectMeta's fields, and drops nulls the schema neither allows nor
   * defaults. Returns the removed paths (`spec.foo`, `spec.items[0].bar`) in upstream's order.
   */
  prune(obj: Record<string, unknown>): string[] {
    return pruneObject(obj, this.compiled, this.objectMeta());
  }

  /** Structural defaulting, in place. */
  applyDefaults(obj: Record<string, unknown>): void {
    applyDefaults(obj, this.compiled);
  }

  /**
   * Validation of a whole custom resource as the CR strategy does it: the OpenAPI schema, then embedded
   * resources' apiVersion/kind, then list-type set/map uniqueness.
   */
  validate(obj: Record<string, unknown>): FieldError[] {
    return this.validateAll(obj, undefined);
  }

  /** validate() for an update: transition rules (those using oldSelf) also run, against `old`. */
  validateUpdate(obj: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
    return this.validateAll(obj, old);
  }

  private validateAll(obj: Record<string, unknown>, old: Record<string, unknown> | undefined): FieldError[] {
    const s = this.compiled;
    if (s === undefined) return [];
    const v = new OpenAPIValidation(undefined);
    v.validate(obj, s, '');
    const errs = v.errs;
    checkEmbedded('', obj, s, errs);
    checkLists('', obj, s, errs);
    if (s.subtreeHasValidations) {
      // Rules would see values of the wrong shape: upstream does not run them then.
      if (errs.some((e) => e.type === 'FieldValueTypeInvalid' || e.type === 'FieldValueNotSupported')) errs.push(RULES_NOT_CHECKED);
      else validateRules('', obj, old, s, errs);
    }
    return errs;
  }

  /** The schema as a SchemaNode (cached). */
  node(): SchemaNode {
    this.nodeCache ??= toSchemaNode(this.schema);
    return this.nodeCache;
  }

  openAPIV3(gvk: GroupVersionKind): Record<string, unknown> {
    return publishSchema(this.schema, gvk, false);
  }

  openAPIV2(gvk: GroupVersionKind): Record<string, unknown> {
    return publishSchema(this.schema, gvk, true);
  }
}

/**
 * Validates one value against a schema the way upstream validates a CRD's `default` values: errors are
 * reported under `fieldPath`, and names inside the value are relative to it (the value itself is the
 * empty name, so its own type error reads " in body must be of type ...").
 */
export function validateValue(value: unknown, schema: JSONSchemaProps, fieldPath: string): FieldError[] {
  const v = new OpenAPIValidation(fieldPath);
  v.validate(value, compileSchema(schema), '');
  return v.errs;
}
