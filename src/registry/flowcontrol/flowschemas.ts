// flowschemas.flowcontrol.apiserver.k8s.io: the v1 default (matchingPrecedence 1000),
// ValidateFlowSchema and printFlowSchema. The Dangling condition, which upstream's APF configuration
// controller keeps, is set here on every write (flowschema-status.ts).
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { validatePathSegmentName } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { apfStrategyBase } from './strategy-base.ts';
import { type Obj, Path, arr, goJSONValue, isObj, obj, objs, semanticEqual, str } from '../core/util.ts';
import { MANDATORY_FLOW_SCHEMAS } from './bootstrap.ts';
import { validateEnum } from '../core/validation.ts';

const MAX_PRECEDENCE = 10000;
const DISTINGUISHERS = ['ByNamespace', 'ByUser'];
const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];

const precedence = (fs: KObject) => Number(obj(fs.spec).matchingPrecedence ?? 0);
/** Go's string comparison: bytes, not locale collation. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function defaults(fs: KObject): void {
  const spec = obj(fs.spec);
  if (!spec.matchingPrecedence) spec.matchingPrecedence = 1000;
  fs.spec = spec;
}

function validateSubject(s: Obj, path: Path): FieldError[] {
  const kind = str(s.kind);
  const errs = validateEnum(kind, SUBJECT_KINDS, path.child('kind'));
  const member: Record<string, string> = { Group: 'group', ServiceAccount: 'serviceAccount', User: 'user' };
  const field = member[kind];
  if (field && !isObj(s[field])) errs.push(fieldErrors.required(String(path.child(field)), `${field} is required when subject kind is '${kind}'`));
  else if (field && str(obj(s[field]).name) === '') errs.push(fieldErrors.required(String(path.child(field, 'name')), `${field === 'serviceAccount' ? 'serviceAccount' : field} name is required`));
  return errs;
}

function validateRule(rule: Obj, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const subjects = objs(rule.subjects);
  if (subjects.length === 0) errs.push(fieldErrors.required(String(path.child('subjects')), 'subjects must contain at least one value'));
  subjects.forEach((s, i) => errs.push(...validateSubject(s, path.child('subjects').index(i))));
  const resourceRules = objs(rule.resourceRules);
  const nonResourceRules = objs(rule.nonResourceRules);
  if (resourceRules.length === 0 && nonResourceRules.length === 0) {
    errs.push(fieldErrors.required(String(path), 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  }
  resourceRules.forEach((r, i) => {
    const rp = path.child('resourceRules').index(i);
    if (arr(r.verbs).length === 0) errs.push(fieldErrors.required(String(rp.child('verbs')), 'verbs must contain at least one value'));
    if (arr(r.apiGroups).length === 0) errs.push(fieldErrors.required(String(rp.child('apiGroups')), 'resource rules must supply at least one api group'));
    if (arr(r.resources).length === 0) errs.push(fieldErrors.required(String(rp.child('resources')), 'resource rules must supply at least one resource'));
    if (r.clusterScope !== true && arr(r.namespaces).length === 0) {
      errs.push(fieldErrors.required(String(rp.child('namespaces')), 'resource rules that are not cluster scoped must supply at least one namespace'));
    }
  });
  nonResourceRules.forEach((r, i) => {
    const rp = path.child('nonResourceRules').index(i);
    if (arr(r.verbs).length === 0) errs.push(fieldErrors.required(String(rp.child('verbs')), 'verbs must contain at least one value'));
    if (arr(r.nonResourceURLs).length === 0) errs.push(fieldErrors.required(String(rp.child('nonResourceURLs')), 'nonResourceURLs must contain at least one value'));
  });
  return errs;
}

function validate(fs: KObject): FieldError[] {
  const spec = obj(fs.spec);
  const path = Path.of('spec');
  const errs: FieldError[] = [];
  const precedence = Number(spec.matchingPrecedence ?? 0);
  if (precedence <= 0) errs.push(fieldErrors.invalid(String(path.child('matchingPrecedence')), precedence, 'must be a positive value'));
  if (precedence > MAX_PRECEDENCE) errs.push(fieldErrors.invalid(String(path.child('matchingPrecedence')), precedence, `must not be greater than ${MAX_PRECEDENCE}`));
  if (precedence === 1 && fs.metadata.name !== 'exempt') {
    errs.push(fieldErrors.invalid(String(path.child('matchingPrecedence')), precedence, "only the schema named 'exempt' may have matchingPrecedence 1"));
  }
  if (isObj(spec.distinguisherMethod)) errs.push(...validateEnum(str(spec.distinguisherMethod.type), DISTINGUISHERS, path.child('distinguisherMethod', 'type')));
  const pl = str(obj(spec.priorityLevelConfiguration).name);
  const plPath = String(path.child('priorityLevelConfiguration', 'name'));
  if (pl === '') errs.push(fieldErrors.required(plPath, 'must reference a priority level'));
  else for (const m of validatePathSegmentName(pl, false)) errs.push(fieldErrors.invalid(plPath, pl, m));
  objs(spec.rules).forEach((r, i) => errs.push(...validateRule(r, path.child('rules').index(i))));
  // The mandatory schemas are part of the server's own configuration: their spec is fixed.
  const mandatory = MANDATORY_FLOW_SCHEMAS.find((m) => m.metadata.name === fs.metadata.name);
  if (mandatory && !semanticEqual(spec, mandatory.spec)) {
    errs.push(fieldErrors.invalid('spec', goJSONValue(spec), `spec of '${fs.metadata.name}' must equal the fixed value`));
  }
  return errs;
}

export const flowSchemaStrategy: Strategy = {
  ...apfStrategyBase(defaults, validate),
  columns: [
    NAME_COLUMN,
    column('PriorityLevel', 'string', '`priorityLevelConfiguration` should reference a PriorityLevelConfiguration in the cluster.'),
    column('MatchingPrecedence', 'string', '`matchingPrecedence` is used to choose among the FlowSchemas that match a given request.'),
    column('DistinguisherMethod', 'string', '`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema.'),
    AGE_COLUMN,
    column('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  // printFlowSchemaList sorts by FlowSchemaSequence: matching precedence, then name.
  tableOrder: (items) => [...items].sort((a, b) => precedence(a) - precedence(b) || byteOrder(a.metadata.name ?? '', b.metadata.name ?? '')),
  row(fs, now) {
    const spec = obj(fs.spec);
    const dm = isObj(spec.distinguisherMethod) ? str(spec.distinguisherMethod.type) : '<none>';
    const dangling = objs(obj(fs.status).conditions).find((c) => c.type === 'Dangling');
    return {
      cells: [fs.metadata.name ?? '', str(obj(spec.priorityLevelConfiguration).name), spec.matchingPrecedence ?? 0, dm, age(fs, now), dangling ? str(dangling.status) : '?'],
    };
  },
};
