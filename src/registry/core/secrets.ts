// Secrets: SetDefaults_Secret, the v1 stringData conversion, ValidateSecret(Update), printSecret.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isConfigMapKey } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { IMMUTABLE_WHEN_SET, MAX_DATA_SIZE } from './configmaps.ts';
import { Path, obj, semanticEqual, str } from './util.ts';
import { IMMUTABLE } from './validation.ts';

const DATA = Path.of('data');
const SERVICE_ACCOUNT_NAME_KEY = 'kubernetes.io/service-account.name';

const COLUMNS = [
  NAME_COLUMN,
  column('Type', 'string', 'The secret type.'),
  column('Data', 'string', 'Number of data keys.'),
  AGE_COLUMN,
];

function row(s: KObject, now: number): TableRow {
  return { cells: [s.metadata.name ?? '', str(s.type), Object.keys(obj(s.data)).length, age(s, now)] };
}

/** Decoding defaults: type Opaque; stringData is folded into data (base64) and never stored. */
function defaultSecret(s: KObject): void {
  if (!s.type) s.type = 'Opaque';
  const stringData = obj(s.stringData);
  if (Object.keys(stringData).length > 0) {
    const data = { ...obj(s.data) };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
    s.data = data;
  }
  delete s.stringData;
}

function decoded(v: unknown): Buffer {
  return Buffer.from(str(v), 'base64');
}

/** encoding/json's first complaint about a document, close enough for the common cases. */
function jsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    const t = text.trim();
    if (t === '') return 'unexpected end of JSON input';
    return `invalid character '${t[0]}' looking for beginning of value`;
  }
}

function validate(s: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(s.data);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(String(DATA.key(key)), key, m));
    total += decoded(value).length;
  }
  if (total > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong(String(DATA), MAX_DATA_SIZE));

  const required = (key: string) => errs.push(fieldErrors.required(String(DATA.key(key))));
  switch (str(s.type)) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_KEY]) {
        errs.push(fieldErrors.required(String(Path.of('metadata', 'annotations').key(SERVICE_ACCOUNT_NAME_KEY))));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = s.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!(key in data)) {
        required(key);
        break;
      }
      const err = jsonError(decoded(data[key]).toString('utf8'));
      if (err) errs.push(fieldErrors.invalid(String(DATA.key(key)), '<secret contents redacted>', err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) {
        required('username');
        required('password');
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (decoded(data['ssh-privatekey']).length === 0) required('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) required('tls.crt');
      if (!('tls.key' in data)) required('tls.key');
      break;
    default:
  }
  return errs;
}

function validateUpdate(s: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(s.type) !== str(old.type)) errs.push(fieldErrors.invalid('type', str(s.type), IMMUTABLE));
  if (old.immutable === true) {
    if (s.immutable !== true) errs.push(fieldErrors.forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!semanticEqual(s.data, old.data)) errs.push(fieldErrors.forbidden('data', IMMUTABLE_WHEN_SET));
  }
  return errs;
}

export const secretStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate: defaultSecret,
  prepareForUpdate: defaultSecret,
  validate,
  validateUpdate,
  columns: COLUMNS,
  row,
  fieldSelectors: {
    type: (s) => str(s.type),
  },
};
