// The fieldManager and force query parameters of writes: validated as upstream validates
// Create/Update/PatchOptions (422 on the options kind), and the manager a write is recorded under
// when the client names none (the user agent's product name).
import { invalid } from '../api/errors.ts';
import type { FieldError } from '../api/field-errors.ts';
import { fieldErrors } from '../api/field-errors.ts';
import { validateFieldManager } from '../registry/validation/objectmeta.ts';
import type { BodyKind } from './negotiate.ts';
import { q, type Query } from './query.ts';

const FIELD_MANAGER_MAX = 128;

type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/** Refuses a bad fieldManager (any write) or a misplaced/missing one for patches, as upstream's option validation does. */
export function validateManagerOptions(query: Query, kind: OptionsKind, patch?: BodyKind): void {
  const manager = q(query, 'fieldManager') ?? '';
  const errs: FieldError[] = [];
  if (kind === 'PatchOptions') {
    if (patch !== 'apply-patch') {
      if (q(query, 'force') !== undefined) errs.push(fieldErrors.forbidden('force', 'may not be specified for non-apply patch'));
    } else if (manager === '') {
      errs.push(fieldErrors.required('fieldManager', 'is required for apply patch'));
    }
  }
  errs.push(...validateFieldManager(manager, 'fieldManager'));
  if (errs.length > 0) throw invalid(`${kind}.meta.k8s.io`, '', errs);
}

/** The manager of a write: fieldManager, else the user agent up to its first `/`, printable and at most 128 bytes. */
export function managerOrUserAgent(query: Query, userAgent: string | undefined): string {
  const manager = q(query, 'fieldManager');
  if (manager) return manager;
  const product = (userAgent ?? '').split('/')[0]!;
  let out = '';
  let bytes = 0;
  for (const ch of product) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX) break;
    out += ch;
    bytes += n;
  }
  return out;
}
