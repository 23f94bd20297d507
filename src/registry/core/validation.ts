// Validation pieces shared by the core strategies, with the texts of
// pkg/apis/core/validation and k8s.io/apimachinery/pkg/util/validation.
import { isIP } from 'node:net';
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../api/names.ts';
import { type Path, goJSONValue } from './util.ts';

export const IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const MAX_INT32 = 2147483647;

/** validation.InclusiveRangeError */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** validation.IsValidPortNum */
export function isValidPortNum(port: number): string[] {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return [];
  return [inclusiveRangeError(1, 65535)];
}

/** validation.IsValidPortName (IANA_SVC_NAME) */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  else if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** validation.IsValidIP (legacy-field flavour). */
export function isValidIP(ip: string): string[] {
  return isIP(ip) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function validateDNS1123Label(value: string, path: Path): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErrors.invalid(String(path), value, m));
}

export function validateDNS1123Subdomain(value: string, path: Path): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErrors.invalid(String(path), value, m));
}

/** unversionedvalidation.ValidateLabels: every error is reported on the map's own path. */
export function validateLabels(labels: Record<string, string> | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(fieldErrors.invalid(String(path), k, m));
    for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(String(path), v, m));
  }
  return errs;
}

/** ValidateImmutableField */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: Path, equal: (a: unknown, b: unknown) => boolean): FieldError[] {
  if (equal(newVal, oldVal)) return [];
  return [fieldErrors.invalid(String(path), newVal === undefined ? null : goJSONValue(newVal), IMMUTABLE)];
}

/** ValidateNonnegativeField */
export function validateNonnegative(value: number | undefined, path: Path): FieldError[] {
  if (value === undefined || value >= 0) return [];
  return [fieldErrors.invalid(String(path), value, IS_NEGATIVE)];
}

/** A NotSupported error for an unknown enum value, or Required when it is empty. */
export function validateEnum(value: string, valid: string[], path: Path, required = true): FieldError[] {
  if (value === '') return required ? [fieldErrors.required(String(path))] : [];
  if (valid.includes(value)) return [];
  return [fieldErrors.notSupported(String(path), value, valid)];
}
