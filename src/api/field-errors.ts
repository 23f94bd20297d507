// Field errors as k8s.io/apimachinery/pkg/util/validation/field formats them, so Invalid
// messages and `causes` read exactly like kube-apiserver's.

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const WORDS: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

const NO_VALUE = Symbol('no value');

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The text after "<field>: ". */
  bodyText(): string {
    let s: string;
    switch (this.type) {
      case 'FieldValueRequired':
      case 'FieldValueForbidden':
      case 'FieldValueTooLong':
      case 'InternalError':
        s = WORDS[this.type];
        break;
      default:
        s = this.badValue === NO_VALUE ? WORDS[this.type] : `${WORDS[this.type]}: ${formatValue(this.badValue)}`;
    }
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  toString(): string {
    return `${this.field}: ${this.bodyText()}`;
  }
}

export const fieldErrors = {
  required: (field: string, detail = '') => new FieldError('FieldValueRequired', field, '', detail),
  invalid: (field: string, value: unknown, detail: string) => new FieldError('FieldValueInvalid', field, value, detail),
  forbidden: (field: string, detail: string) => new FieldError('FieldValueForbidden', field, '', detail),
  notFound: (field: string, value: unknown) => new FieldError('FieldValueNotFound', field, value, ''),
  duplicate: (field: string, value: unknown) => new FieldError('FieldValueDuplicate', field, value, ''),
  tooLong: (field: string, maxLength: number) =>
    new FieldError('FieldValueTooLong', field, '', `may not be more than ${maxLength} bytes`),
  tooMany: (field: string, actual: number, max: number) =>
    new FieldError('FieldValueTooMany', field, actual, `must have at most ${max} items`),
  notSupported: (field: string, value: unknown, valid: string[]) =>
    new FieldError(
      'FieldValueNotSupported',
      field,
      value,
      valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
    ),
  typeInvalid: (field: string, value: unknown, detail: string) =>
    new FieldError('FieldValueTypeInvalid', field, value, detail),
  internal: (field: string, err: string) => new FieldError('InternalError', field, '', err),
  /** An error whose message shows only the type word, with no value. */
  withoutValue: (type: FieldErrorType, field: string, detail: string) => new FieldError(type, field, NO_VALUE, detail),
};

/** utilerrors.NewAggregate(...).Error(): one error bare, several as "[a, b]", duplicates dropped. */
export function aggregateFieldErrors(errs: FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const m = e.toString();
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  if (msgs.length === 0) return '';
  if (msgs.length === 1) return msgs[0]!;
  return `[${msgs.join(', ')}]`;
}
