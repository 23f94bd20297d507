// Server-side printing: objects to meta.k8s.io Table and PartialObjectMetadata, as kubectl asks for.
import type { KObject, ObjectMeta } from '../api/types.ts';
import type { Strategy, TableColumn, TableRow } from '../registry/strategy.ts';
import { NAME_COLUMN, column } from '../registry/printing.ts';

const DEFAULT_COLUMNS: TableColumn[] = [
  NAME_COLUMN,
  column('Created At', 'date', 'When the object was created.'),
];

function defaultRow(obj: KObject): TableRow {
  return { cells: [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? null] };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialObjectMetadata(obj: KObject, apiVersion = 'meta.k8s.io/v1'): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata as ObjectMeta };
}

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
  /** Leave columnDefinitions out (watch events after the first). */
  noHeaders?: boolean;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export function toTable(strategy: Strategy, objs: KObject[], opts: TableOptions): Record<string, unknown> {
  const columns = strategy.columns && strategy.row ? strategy.columns : DEFAULT_COLUMNS;
  const rowOf = strategy.columns && strategy.row ? strategy.row.bind(strategy) : defaultRow;
  const now = Date.now();
  const metaVersion = `meta.k8s.io/${opts.version}`;
  const ordered = strategy.tableOrder ? strategy.tableOrder(objs) : objs;
  const rows = ordered.map((obj) => {
    const r = rowOf(obj, now);
    const row: Record<string, unknown> = { cells: r.cells };
    if (r.conditions) row.conditions = r.conditions;
    if (opts.includeObject === 'Object') row.object = obj;
    else if (opts.includeObject === 'Metadata') row.object = partialObjectMetadata(obj, metaVersion);
    return row;
  });
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const table: Record<string, unknown> = { kind: 'Table', apiVersion: metaVersion, metadata };
  if (!opts.noHeaders) table.columnDefinitions = columns;
  table.rows = rows;
  return table;
}
