// ServiceAccounts: pkg/registry/core/serviceaccount/strategy.go and printServiceAccount.
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { arr, objs, str } from './util.ts';

const COLUMNS = [NAME_COLUMN, column('Secrets', 'string', 'Number of secrets the service account references.'), AGE_COLUMN];

function row(sa: KObject, now: number): TableRow {
  return { cells: [sa.metadata.name ?? '', arr(sa.secrets).length, age(sa, now)] };
}

/** cleanSecretReferences: secret references keep only their name. */
function cleanSecretReferences(sa: KObject): void {
  if (!Array.isArray(sa.secrets)) return;
  sa.secrets = objs(sa.secrets).map((s) => (str(s.name) ? { name: str(s.name) } : {}));
}

export const serviceAccountStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: cleanSecretReferences,
  columns: COLUMNS,
  row,
};
