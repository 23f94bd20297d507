// Namespaces: pkg/registry/core/namespace/strategy.go, SetDefaults_Namespace(Status), ValidateNamespace.
import { forbidden } from '../../api/errors.ts';
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { DeleteOptions } from '../options.ts';
import { nowRFC3339 } from '../store.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { Path, arr, clone, obj, str } from './util.ts';

export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
const FINALIZER_KUBERNETES = 'kubernetes';
/** NamespaceLifecycle's immortal namespaces (default, kube-system, kube-public). */
const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

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

/**
 * pkg/registry/core/namespace/storage REST.Delete: the first DELETE only starts termination
 * (deletionTimestamp, phase Terminating, the orphan/foregroundDeletion finalizers the options ask
 * for) and answers with the namespace; later DELETEs answer with it unchanged while spec.finalizers
 * remain (the namespace controller empties them through /finalize); then the generic deletion runs.
 */
function beforeDelete(ns: KObject, options: DeleteOptions): 'update' | 'keep' | undefined {
  const meta = ns.metadata;
  // NamespaceLifecycle admission: the immortal namespaces.
  if (IMMORTAL.has(meta.name ?? '')) throw forbidden({ group: '', resource: 'namespaces' }, meta.name ?? '', 'this namespace may not be deleted');
  if (!meta.deletionTimestamp) {
    meta.deletionTimestamp = nowRFC3339();
    const status = obj(ns.status);
    status.phase = 'Terminating';
    ns.status = status;
    const current = meta.finalizers ?? [];
    const orphan =
      options.orphanDependents !== undefined
        ? options.orphanDependents
        : options.propagationPolicy !== undefined
          ? options.propagationPolicy === 'Orphan'
          : current.includes('orphan');
    const foreground =
      options.orphanDependents !== undefined
        ? !options.orphanDependents
        : options.propagationPolicy !== undefined
          ? options.propagationPolicy === 'Foreground'
          : current.includes('foregroundDeletion');
    const next = current.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
    if (orphan) next.push('orphan');
    if (foreground) next.push('foregroundDeletion');
    if (next.length) meta.finalizers = next;
    else delete meta.finalizers;
    return 'update';
  }
  if (arr(obj(ns.spec).finalizers).length > 0) return 'keep';
  return undefined;
}

/** ShouldDeleteNamespaceDuringUpdate: also spec.finalizers must be empty. */
function canDeleteDuringUpdate(ns: KObject): boolean {
  return arr(obj(ns.spec).finalizers).length === 0;
}

export const namespaceStrategy: Strategy = {
  beforeDelete,
  canDeleteDuringUpdate,
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
