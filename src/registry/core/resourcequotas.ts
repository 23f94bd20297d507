// ResourceQuotas: pkg/registry/core/resourcequota/strategy.go, ValidateResourceQuota, printResourceQuota.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { parseQuantity, quantityString } from '../../api/quantity.ts';
import { Path, obj } from './util.ts';

const COLUMNS = [
  NAME_COLUMN,
  column('Request', 'string', 'Used and hard amounts of request quotas.'),
  column('Limit', 'string', 'Used and hard amounts of limit quotas.'),
  AGE_COLUMN,
];

/** printResourceQuota: "name: used/hard" pairs from status, limits.* in the Limit column. */
function row(q: KObject, now: number): TableRow {
  const status = obj(q.status);
  const hard = obj(status.hard);
  const used = obj(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const pieces = name.split('.');
    const entry = `${name}: ${quantityString(used[name])}/${quantityString(hard[name])}`;
    if (pieces.length > 1 && pieces[0] === 'limits') limit.push(entry);
    else request.push(entry);
  }
  return { cells: [q.metadata.name ?? '', request.join(', '), limit.join(', '), age(q, now)] };
}

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);
/** Quota resources whose values are counts. */
const INTEGER_QUOTA_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);

function isStandardQuotaResource(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || /^(requests\.|limits\.)?hugepages-/.test(name);
}

function validateHard(hard: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(hard)) {
    const p = String(path.key(name));
    for (const m of isQualifiedName(name)) errs.push(fieldErrors.invalid(p, name, m));
    if (!name.includes('/') && !isStandardQuotaResource(name)) {
      errs.push(fieldErrors.invalid(p, name, 'must be a standard resource for quota'));
    }
    const v = parseQuantity(value);
    if (v !== undefined && v < 0) errs.push(fieldErrors.invalid(p, String(value), 'must be greater than or equal to 0'));
    if (v !== undefined && (INTEGER_QUOTA_RESOURCES.has(name) || name.startsWith('count/')) && !Number.isInteger(v)) {
      errs.push(fieldErrors.invalid(p, String(value), 'must be an integer'));
    }
  }
  return errs;
}

function validate(q: KObject): FieldError[] {
  return validateHard(obj(obj(q.spec).hard), Path.of('spec', 'hard'));
}

export const resourceQuotaStrategy: Strategy = {
  nameRule: 'subdomain',
  // A new quota has an empty status until the quota controller fills it in.
  prepareForCreate: (q) => {
    q.status = {};
  },
  validate,
  columns: COLUMNS,
  row,
};
