// ingressclasses.networking.k8s.io: pkg/registry/networking/ingressclass (strategy), SetDefaults_IngressClass,
// ValidateIngressClass/ValidateIngressClassUpdate and printIngressClass; plus the choice of the default
// class the DefaultIngressClass admission plugin makes.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { nameIsDNSLabel } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, isObj, obj, str } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';
import { INGRESS_CLASS_ANNOTATION } from './ingresses.ts';
import { validateDomainPrefixedPath, validateReference } from './net-validation.ts';

export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];

function defaults(ic: KObject): void {
  const params = obj(ic.spec).parameters;
  if (isObj(params) && params.scope === undefined) params.scope = 'Cluster';
}

function validateParameters(params: unknown): FieldError[] {
  if (!isObj(params)) return [];
  const path = 'spec.parameters';
  const errs = validateReference(params, path, 'apiGroup', ['kind', 'name']);
  if (typeof params.scope !== 'string') return [...errs, fieldErrors.required(`${path}.scope`)];
  if (!SCOPES.includes(params.scope)) return [...errs, fieldErrors.notSupported(`${path}.scope`, params.scope, SCOPES)];
  const ns = params.namespace;
  if (params.scope === 'Namespace') {
    if (typeof ns !== 'string') errs.push(fieldErrors.required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const m of nameIsDNSLabel(ns, false)) errs.push(fieldErrors.invalid(`${path}.namespace`, ns, m));
  } else if (ns !== undefined && ns !== null) {
    errs.push(fieldErrors.forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

function validate(ic: KObject): FieldError[] {
  const spec = obj(ic.spec);
  const controller = str(spec.controller);
  const errs: FieldError[] = [];
  if (controller === '') errs.push(fieldErrors.required('spec.controller'));
  else {
    if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(fieldErrors.tooLong('spec.controller', MAX_CONTROLLER_LENGTH));
    errs.push(...validateDomainPrefixedPath('spec.controller', controller));
  }
  errs.push(...validateParameters(spec.parameters));
  return errs;
}

export const ingressClassStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
  validateUpdate: (ic, old) =>
    validateImmutable(str(obj(ic.spec).controller), str(obj(old.spec).controller), Path.of('spec', 'controller'), (a, b) => a === b),
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  row(ic, now) {
    const spec = obj(ic.spec);
    let parameters = '<none>';
    if (isObj(spec.parameters)) {
      const p = spec.parameters;
      parameters = `${str(p.kind)}${typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : ''}/${str(p.name)}`;
    }
    return { cells: [ic.metadata.name ?? '', str(spec.controller), parameters, age(ic, now)] };
  },
};

/**
 * The DefaultIngressClass admission plugin (plugin/pkg/admission/network/defaultingressclass): a new
 * Ingress that names no class, by field or by the legacy annotation, gets the default one. Several
 * defaults: the most recently created wins, then the first by name.
 */
export function admitDefaultIngressClass(ingress: KObject, classes: readonly KObject[]): void {
  const spec = obj(ingress.spec);
  if (typeof spec.ingressClassName === 'string') return;
  if (ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION] !== undefined) return;
  let chosen: KObject | undefined;
  let chosenAt = 0;
  for (const ic of classes) {
    if (ic.metadata.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] !== 'true') continue;
    const at = Date.parse(ic.metadata.creationTimestamp ?? '') || 0;
    const newer = chosen === undefined || at > chosenAt || (at === chosenAt && (ic.metadata.name ?? '') < (chosen.metadata.name ?? ''));
    if (newer) {
      chosen = ic;
      chosenAt = at;
    }
  }
  if (chosen) ingress.spec = { ...spec, ingressClassName: chosen.metadata.name };
}
