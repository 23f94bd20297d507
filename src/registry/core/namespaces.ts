// Namespaces: pkg/registry/core/namespace/strategy.go, SetDefaults_Namespace(Status), ValidateNamespace.
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { Path, arr, clone, obj, str } from './util.ts';

export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
const FINALIZER_KUBERNETES = 'kubernetes';

const COLUMNS = [NAME_COLUMN, column('Status', 'string', 'The namespace phase.'), AGE_COLUMN];

function row(ns: KObject, now: number): TableRow {
  return { cells: [ns.metadata.name ?? '', str(obj(ns.status).phase), age(ns, now)] };
}

/** SetDefaults_Namespace / Canonicalize: the immutable name label. */
function setNameLabel(ns: KObject): void {
  const name = ns.metadata.name;
  if (!name) return;
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [LABEL_METADATA_NAME]: name };
}

function prepareForCreate(ns: KObject): void {
  setNameLabel(ns);
  ns.status = { phase: 'Active' };
  const spec = obj(ns.spec);
  ns.spec = spec;
  const finalizers = arr(spec.finalizers).map(str);
  if (!finalizers.includes(FINALIZER_KUBERNETES)) finalizers.push(FINALIZER_KUBERNETES);
  spec.finalizers = finalizers;
}

/** Spec (finalizers) and status are changed only through /finalize and /status. */
function prepareForUpdate(ns: KObject, old: KObject): void {
  setNameLabel(ns);
  if (old.spec === undefined) delete ns.spec;
  else ns.spec = clone(old.spec);
  if (old.status === undefined) delete ns.status;
  else ns.status = clone(old.status);
}

/** validateFinalizerName for spec.finalizers (a qualified name; standard ones need no prefix). */
function validate(ns: KObject): FieldError[] {
  const path = String(Path.of('spec', 'finalizers'));
  const errs: FieldError[] = [];
  for (const f of arr(obj(ns.spec).finalizers).map(str)) {
    for (const m of isQualifiedName(f)) errs.push(fieldErrors.invalid(path, f, m));
  }
  return errs;
}

export const namespaceStrategy: Strategy = {
  nameRule: 'label',
  prepareForCreate,
  prepareForUpdate,
  validate,
  columns: COLUMNS,
  row,
  fieldSelectors: {
    'status.phase': (ns) => str(obj(ns.status).phase),
  },
};
