// What a CustomResourceDefinition serves: one resource declaration and one strategy per served
// version, built from the CRD's spec the way apiextensions-apiserver's crdHandler builds its crdInfo
// (storage, schema-driven decoding and validation, table convertor, selectable fields, scale paths).
import { declareResource } from '../../api/catalog.ts';
import { readFieldPath } from '../../api/field-path.ts';
import type { FieldError } from '../../api/field-errors.ts';
import { groupVersion, type KObject, type ResourceDecl } from '../../api/types.ts';
import { evaluatePrinterColumn } from '../../apiextensions/jsonpath.ts';
import { CustomResourceSchema } from '../../apiextensions/schema/index.ts';
import type { JSONSchemaProps } from '../../apiextensions/schema/types.ts';
import type { StorageCodec } from '../../storage/converting.ts';
import { NAME_COLUMN, column } from '../printing.ts';
import type { ScalePaths, Strategy, TableColumn } from '../strategy.ts';
import type { CRDSpec, CRDVersion, PrinterColumn } from './crd-types.ts';

export interface ServedVersion {
  decl: ResourceDecl;
  strategy: Strategy;
  /** The version's schema, which the OpenAPI documents publish. */
  schema: CustomResourceSchema;
}

/** Upstream's default printer column when a version declares none. */
const DEFAULT_AGE: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * version.CompareKubeAwareVersionStrings: GA before beta before alpha, higher numbers first, then
 * versions that do not look like Kubernetes versions in lexical order. Negative when `a` ranks first.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma && !mb) return a < b ? -1 : a > b ? 1 : 0;
  if (!ma) return 1;
  if (!mb) return -1;
  const stability = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (stability(ma) !== stability(mb)) return stability(mb) - stability(ma);
  if (Number(ma[1]) !== Number(mb[1])) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/** The version objects are stored in (exactly one has storage: true; validation makes sure). */
export function storageVersion(spec: CRDSpec): string {
  return (spec.versions.find((v) => v.storage) ?? spec.versions[0])!.name;
}

function strategyFor(spec: CRDSpec, version: CRDVersion, schema: CustomResourceSchema): Strategy {
  const printer = version.additionalPrinterColumns?.length ? version.additionalPrinterColumns : [DEFAULT_AGE];
  const columns: TableColumn[] = [
    NAME_COLUMN,
    ...printer.map((c) => column(c.name, c.type as TableColumn['type'], c.description ?? '', c.priority ?? 0, c.format ?? '')),
  ];
  const served = groupVersion({ group: spec.group, version: version.name });
  const stored = groupVersion({ group: spec.group, version: storageVersion(spec) });
  // The None conversion strategy: versions differ only in apiVersion.
  const storageCodec: StorageCodec = {
    toStored: (o) => (o.apiVersion === stored ? o : { ...o, apiVersion: stored }),
    fromStored: (o) => (o.apiVersion === served ? o : { ...o, apiVersion: served }),
  };
  const hasStatus = version.subresources?.status !== undefined && version.subresources.status !== null;
  const decode = (obj: KObject) => {
    schema.prune(obj as unknown as Record<string, unknown>);
    schema.applyDefaults(obj as unknown as Record<string, unknown>);
  };
  const fieldSelectors: Record<string, (obj: KObject) => string> = {};
  for (const f of version.selectableFields ?? []) {
    const path = f.jsonPath.replace(/^\./, '');
    fieldSelectors[path] = (obj) => {
      const v = readFieldPath(obj, path);
      return v === undefined || v === null ? '' : String(v);
    };
  }
  const scale = version.subresources?.scale ?? undefined;
  const transitionRules = JSON.stringify(version.schema?.openAPIV3Schema ?? {}).includes('oldSelf');
  return {
    schema: schema.node(),
    storageCodec,
    tracksGeneration: true,
    genericObjectMeta: true,
    prepareForCreate(obj) {
      if (hasStatus) delete obj.status;
      decode(obj);
    },
    prepareForUpdate: decode,
    prepareForStatusUpdate: decode,
    unknownFields(obj) {
      return schema.prune(structuredClone(obj) as unknown as Record<string, unknown>);
    },
    validate: (obj) => schema.validate(obj as unknown as Record<string, unknown>),
    validateStatusUpdate: (obj, old) => schema.validateUpdate(obj as unknown as Record<string, unknown>, old as unknown as Record<string, unknown>),
    // The store runs validate() on updates too; this adds what only transition rules (oldSelf) find.
    ...(transitionRules
      ? {
          validateUpdate(obj: KObject, old: KObject): FieldError[] {
            const plain = new Set(schema.validate(obj as unknown as Record<string, unknown>).map(String));
            return schema.validateUpdate(obj as unknown as Record<string, unknown>, old as unknown as Record<string, unknown>).filter((e) => !plain.has(String(e)));
          },
        }
      : {}),
    columns,
    row(obj, now) {
      return { cells: [obj.metadata.name ?? '', ...printer.map((c) => evaluatePrinterColumn(obj, c.jsonPath, c.type, c.format ?? '', now))] };
    },
    fieldSelectors,
    ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, labelSelectorPath: scale.labelSelectorPath } satisfies ScalePaths } : {}),
  };
}

/** The served versions of a CRD, in discovery order (kube-aware version priority; the first is preferred). */
export function servedVersions(spec: CRDSpec, accepted: CRDSpec['names']): ServedVersion[] {
  const versions = spec.versions.filter((v) => v.served).sort((a, b) => compareKubeAwareVersions(a.name, b.name));
  return versions.map((v) => {
    const decl = declareResource({
      group: spec.group,
      version: v.name,
      kind: accepted.kind,
      resource: accepted.plural,
      namespaced: spec.scope === 'Namespaced',
      shortNames: accepted.shortNames ?? [],
      categories: accepted.categories ?? [],
      status: v.subresources?.status !== undefined && v.subresources.status !== null,
      scale: v.subresources?.scale !== undefined && v.subresources.scale !== null,
      etcdResource: `${spec.group}/${accepted.plural}`,
    });
    decl.singular = accepted.singular ?? accepted.kind.toLowerCase();
    decl.listKind = accepted.listKind ?? `${accepted.kind}List`;
    decl.custom = true;
    const schema = new CustomResourceSchema(v.schema?.openAPIV3Schema as JSONSchemaProps | undefined);
    return { decl, strategy: strategyFor(spec, v, schema), schema };
  });
}
