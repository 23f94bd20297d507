// apiservices.apiregistration.k8s.io: kube-aggregator's APIService strategy, validation
// (ValidateAPIService) and table (NAME SERVICE AVAILABLE AGE).
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1035Label, isDNS1123Subdomain, validatePathSegmentName } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, isObj, obj, objs, str } from '../core/util.ts';
import { isValidPortNum } from '../core/validation.ts';
import { nowRFC3339 } from '../store.ts';
import { localAvailableStatus } from './local-apiservices.ts';

function defaults(svc: KObject): void {
  const spec = obj(svc.spec);
  if (isObj(spec.service) && spec.service.port === undefined) spec.service.port = 443;
  svc.spec = spec;
}

/**
 * Upstream's availability controller marks every service-less APIService Available soon after it is
 * written; doing it in the write itself gives clients the same object without a second write.
 */
function markLocalAvailable(svc: KObject): void {
  if (isObj(obj(svc.spec).service)) return;
  const available = objs(obj(svc.status).conditions).find((c) => c.type === 'Available');
  if (available?.status === 'True') return;
  svc.status = localAvailableStatus(nowRFC3339());
}

function validate(svc: KObject): FieldError[] {
  const spec = obj(svc.spec);
  const group = str(spec.group);
  const version = str(spec.version);
  const errs: FieldError[] = [];
  const name = svc.metadata.name ?? '';
  const required = `${version}.${group}`;
  // The name is the group-version it serves; the path-segment rule comes first, as upstream's name check does.
  const nameErrs = validatePathSegmentName(name, false);
  if (nameErrs.length === 0 && name !== required) nameErrs.push(`must be \`spec.version+"."+spec.group\`: ${JSON.stringify(required)}`);
  for (const m of nameErrs) errs.push(fieldErrors.invalid('metadata.name', name, m));
  const path = Path.of('spec');
  if (group === '' && version !== 'v1') errs.push(fieldErrors.required(String(path.child('group')), 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid(String(path.child('group')), group, m));
  for (const m of isDNS1035Label(version)) errs.push(fieldErrors.invalid(String(path.child('version')), version, m));
  const gpm = Number(spec.groupPriorityMinimum ?? 0);
  if (gpm <= 0 || gpm > 20000) errs.push(fieldErrors.invalid(String(path.child('groupPriorityMinimum')), gpm, 'must be positive and less than 20000'));
  const vp = Number(spec.versionPriority ?? 0);
  if (vp <= 0 || vp > 1000) errs.push(fieldErrors.invalid(String(path.child('versionPriority')), vp, 'must be positive and less than 1000'));
  const caBundle = str(spec.caBundle);
  if (!isObj(spec.service)) {
    if (caBundle !== '') errs.push(fieldErrors.invalid(String(path.child('caBundle')), `${Buffer.from(caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify === true) errs.push(fieldErrors.invalid(String(path.child('insecureSkipTLSVerify')), true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const service = spec.service;
  const sp = path.child('service');
  if (str(service.namespace) === '') errs.push(fieldErrors.required(String(sp.child('namespace'))));
  if (str(service.name) === '') errs.push(fieldErrors.required(String(sp.child('name'))));
  for (const m of isValidPortNum(Number(service.port))) errs.push(fieldErrors.invalid(String(sp.child('port')), service.port, m));
  if (spec.insecureSkipTLSVerify === true && caBundle !== '') {
    errs.push(fieldErrors.invalid(String(path.child('insecureSkipTLSVerify')), true, 'may not be true if caBundle is present'));
  }
  return errs;
}

export const apiServiceStrategy: Strategy = {
  nameRule: 'path',
  prepareForCreate(svc) {
    defaults(svc);
    markLocalAvailable(svc);
  },
  prepareForUpdate(svc) {
    defaults(svc);
    markLocalAvailable(svc);
  },
  validate,
  columns: [
    NAME_COLUMN,
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
    AGE_COLUMN,
  ],
  row(svc, now) {
    const spec = obj(svc.spec);
    const service = isObj(spec.service) ? `${str(spec.service.namespace)}/${str(spec.service.name)}` : 'Local';
    const cond = objs(obj(svc.status).conditions).find((c) => c.type === 'Available');
    let available = 'Unknown';
    if (cond) available = cond.status === 'True' ? 'True' : `${str(cond.status)} (${str(cond.reason)})`;
    return { cells: [svc.metadata.name ?? '', service, available, age(svc, now)] };
  },
};
