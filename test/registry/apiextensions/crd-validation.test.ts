// CustomResourceDefinition validation and defaulting with apiextensions-apiserver's messages
// (pkg/apis/apiextensions/validation/validation_test.go shapes: one change to a valid CRD per case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import { defaultCRD, validateCRD, validateCRDUpdate } from '../../../src/registry/apiextensions/crd-validation.ts';

type J = Record<string, any>; // test fixtures are edited freely

function baseCRD(): J {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    replicas: { type: 'integer', default: 1, minimum: 0 },
                    selector: { type: 'string' },
                    ports: {
                      type: 'array',
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name'],
                      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
                    },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' } } },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
          selectableFields: [{ jsonPath: '.spec.selector' }],
        },
      ],
    },
  };
}

const SCHEMA = 'spec.validation.openAPIV3Schema';
const versions = (crd: J) => crd.spec.versions as J[];
const root = (crd: J) => versions(crd)[0]!.schema.openAPIV3Schema as J;
const specProps = (crd: J) => root(crd).properties.spec.properties as J;

function errorsFor(crd: J): string[] {
  defaultCRD(crd as KObject);
  return validateCRD(crd as KObject).map(String);
}

test('a valid CRD has no errors, and v1 defaults fill names, conversion and storedVersions', () => {
  const crd = baseCRD();
  assert.deepEqual(errorsFor(crd), []);
  assert.equal(crd.spec.names.singular, 'widget');
  assert.equal(crd.spec.names.listKind, 'WidgetList');
  assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.status.storedVersions, ['v1']);
});

const versionsValue = (storage: boolean, name = 'v1') =>
  `apiextensions.CustomResourceDefinitionVersion{Name:"${name}", Served:true, Storage:${storage}, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}`;

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const cases: { name: string; change: (crd: J) => void; errs: string[] }[] = [
  {
    name: 'name must be plural.group',
    change: (c) => (c.metadata.name = 'widget.example.com'),
    errs: ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'],
  },
  {
    name: 'group needs a dot',
    change: (c) => {
      c.spec.group = 'example';
      c.metadata.name = 'widgets.example';
    },
    errs: ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
  },
  {
    name: 'group is required',
    change: (c) => {
      c.spec.group = '';
      c.metadata.name = 'widgets.';
    },
    errs: ['spec.group: Required value'],
  },
  {
    name: 'scope',
    change: (c) => (c.spec.scope = 'Global'),
    errs: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
  },
  {
    name: 'exactly one storage version',
    change: (c) => {
      versions(c)[0]!.storage = false;
    },
    errs: [
      `spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{${versionsValue(false)}}: must have exactly one version marked as storage version`,
      // Without a storage version there is nothing to record as stored.
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
    ],
  },
  {
    name: 'unique version names',
    change: (c) => versions(c).push({ ...structuredClone(versions(c)[0]), storage: false }),
    errs: [
      `spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{${versionsValue(true)}, ${versionsValue(false)}}: must contain unique version names`,
    ],
  },
  {
    name: 'version names are DNS-1035 labels',
    change: (c) => {
      versions(c)[0]!.name = 'V1';
      c.status = { storedVersions: ['V1'] };
    },
    errs: [`spec.versions[0].name: Invalid value: "V1": ${DNS1035}`],
  },
  {
    name: 'schemas are required in v1',
    change: (c) => delete versions(c)[0]!.schema,
    errs: [
      'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
      // (upstream's wording)
      'spec.versions[0].selectableFields: Invalid value: "": selectableFields may only be set when version.schema.openAPIV3Schema is not included',
    ],
  },
  {
    name: 'names: kind, plural, listKind',
    change: (c) => {
      c.spec.names.kind = 'Bad_Kind';
      c.spec.names.listKind = 'Bad_Kind';
      c.spec.names.shortNames = ['OK'];
    },
    errs: [
      // singular defaults to the lower-cased kind.
      `spec.names.singular: Invalid value: "bad_kind": ${DNS1035}`,
      `spec.names.kind: Invalid value: "Bad_Kind": may have mixed case, but should otherwise match: ${DNS1035}`,
      `spec.names.listKind: Invalid value: "Bad_Kind": may have mixed case, but should otherwise match: ${DNS1035}`,
      `spec.names.shortNames[0]: Invalid value: "OK": ${DNS1035}`,
      'spec.names.listKind: Invalid value: "Bad_Kind": kind and listKind may not be the same',
    ],
  },
  {
    name: 'structural: every field needs a type',
    change: (c) => (specProps(c).foo = { properties: { a: { type: 'string' } } }),
    errs: [`${SCHEMA}.properties[spec].properties[foo].type: Required value: must not be empty for specified object fields`],
  },
  {
    name: 'structural: the root is an object (and the status subresource wants one too)',
    change: (c) => {
      const v = versions(c)[0]!;
      v.schema.openAPIV3Schema = { type: 'array', items: { type: 'string' } };
      delete v.selectableFields;
    },
    errs: [
      `${SCHEMA}.type: Invalid value: "array": only "object" is allowed as the type at the root of the schema if the status subresource is enabled`,
      `${SCHEMA}.type: Invalid value: "array": must be object at the root`,
    ],
  },
  {
    name: 'structural: metadata may only restrict name and generateName',
    change: (c) => (root(c).properties.metadata = { type: 'object', properties: { labels: { type: 'object' } } }),
    errs: [`${SCHEMA}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  },
  {
    name: 'additionalProperties and properties are mutual exclusive',
    change: (c) => (root(c).properties.spec.additionalProperties = { type: 'string' }),
    errs: [`${SCHEMA}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
  },
  {
    name: 'defaults must validate',
    change: (c) => (specProps(c).replicas.default = 'one'),
    errs: [`${SCHEMA}.properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"`],
  },
  {
    name: 'defaults must be pruned',
    change: (c) => (root(c).properties.spec.default = { replicas: 2, bogus: true }),
    errs: [`${SCHEMA}.properties[spec].default: Invalid value: {"bogus":true,"replicas":2}: must not have unknown fields`],
  },
  {
    name: 'no defaults in top-level metadata',
    change: (c) => (root(c).properties.metadata = { type: 'object', properties: { name: { type: 'string', default: 'x' } } }),
    errs: [`${SCHEMA}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`],
  },
  {
    name: 'uniqueItems is forbidden',
    change: (c) => (specProps(c).tags = { type: 'array', uniqueItems: true, items: { type: 'string' } }),
    errs: [`${SCHEMA}.properties[spec].properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`],
  },
  {
    name: 'list-type map keys must exist and be required or defaulted',
    change: (c) => {
      const ports = specProps(c).ports;
      ports['x-kubernetes-list-map-keys'] = ['name', 'port'];
      ports.items.properties.protocol = { type: 'object' };
      ports['x-kubernetes-list-map-keys'].push('nope');
    },
    errs: [
      `${SCHEMA}.properties[spec].properties[ports].x-kubernetes-list-map-keys: Invalid value: ["name","port","nope"]: entries must all be names of item properties`,
      `${SCHEMA}.properties[spec].properties[ports].items.properties[port].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ],
  },
  {
    name: 'x-kubernetes-validations need a rule',
    change: (c) => (root(c).properties.spec['x-kubernetes-validations'] = [{ rule: ' ' }]),
    errs: [`${SCHEMA}.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified`],
  },
  {
    name: 'scale paths',
    change: (c) => {
      versions(c)[0]!.subresources.scale = { specReplicasPath: '.status.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: '.metadata.labels' };
    },
    errs: [
      'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .',
      'spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status',
    ],
  },
  {
    name: 'printer columns',
    change: (c) => (versions(c)[0]!.additionalPrinterColumns = [{ name: '', type: 'int', format: 'uuid', jsonPath: 'spec.replicas' }]),
    errs: [
      'spec.additionalPrinterColumns[0].name: Required value',
      'spec.additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[0].format: Invalid value: "uuid": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.replicas": must be a simple json path starting with .',
    ],
  },
  {
    name: 'selectable fields',
    change: (c) => {
      specProps(c).config = { type: 'object' };
      versions(c)[0]!.selectableFields = [{ jsonPath: '.spec.selector' }, { jsonPath: '.spec.selector' }, { jsonPath: '.spec.config' }, { jsonPath: '.spec.nope' }, { jsonPath: '' }];
    },
    errs: [
      'spec.selectableFields[1].jsonPath: Duplicate value: ".spec.selector"',
      'spec.selectableFields[2].jsonPath: Invalid value: ".spec.config": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
      'spec.selectableFields[3].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a valid field',
      'spec.selectableFields[4].jsonPath: Required value',
    ],
  },
  {
    name: 'webhook conversion needs a client config and review versions',
    change: (c) => (c.spec.conversion = { strategy: 'Webhook' }),
    errs: [
      'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
      'spec.conversion.conversionReviewVersions: Required value',
    ],
  },
  {
    name: 'webhook conversion is accepted as upstream accepts it',
    change: (c) =>
      (c.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { url: 'https://conv.example.com/convert' }, conversionReviewVersions: ['v1'] } }),
    errs: [],
  },
  {
    name: 'conversion strategy',
    change: (c) => (c.spec.conversion = { strategy: 'Magic' }),
    errs: ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"'],
  },
  {
    name: 'per-version schemas that differ are validated per version',
    change: (c) => {
      const v2 = structuredClone(versions(c)[0]!);
      v2.name = 'v2';
      v2.storage = false;
      v2.schema.openAPIV3Schema.properties.spec.properties.extra = { items: { type: 'string' } };
      versions(c).push(v2);
    },
    errs: ['spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[extra].type: Required value: must not be empty for specified object fields'],
  },
  {
    name: 'protected groups need API approval',
    change: (c) => {
      c.spec.group = 'widgets.k8s.io';
      c.metadata.name = 'widgets.widgets.k8s.io';
    },
    errs: [
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ],
  },
  {
    name: 'API approval must be a URL or say unapproved',
    change: (c) => {
      c.spec.group = 'widgets.k8s.io';
      c.metadata.name = 'widgets.widgets.k8s.io';
      c.metadata.annotations = { 'api-approved.kubernetes.io': 'invalid' };
    },
    errs: [
      'metadata.annotations[api-approved.kubernetes.io]: Invalid value: "invalid": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111',
    ],
  },
];

for (const c of cases) {
  test(`validateCRD: ${c.name}`, () => {
    const crd = baseCRD();
    c.change(crd);
    assert.deepEqual(errorsFor(crd), c.errs);
  });
}

function established(crd: J): J {
  defaultCRD(crd as KObject);
  crd.status.conditions = [{ type: 'Established', status: 'True' }];
  return crd;
}

test('validateCRDUpdate: group and plural are immutable; scope and kind once established', () => {
  const old = established(baseCRD());
  const crd = structuredClone(old);
  crd.spec.group = 'example.org';
  crd.metadata.name = 'widgets.example.org';
  crd.spec.scope = 'Cluster';
  crd.spec.names.kind = 'Gadget';
  crd.spec.names.listKind = 'GadgetList';
  assert.deepEqual(validateCRDUpdate(crd as KObject, old as KObject).map(String), [
    'spec.scope: Invalid value: "Cluster": field is immutable',
    'spec.names.kind: Invalid value: "Gadget": field is immutable',
    'spec.group: Invalid value: "example.org": field is immutable',
  ]);
  const notEstablished = structuredClone(old);
  notEstablished.status.conditions = [];
  const scoped = structuredClone(notEstablished);
  scoped.spec.scope = 'Cluster';
  assert.deepEqual(validateCRDUpdate(scoped as KObject, notEstablished as KObject).map(String), []);
});

test('validateCRDUpdate: a stored version must stay in spec.versions', () => {
  const old = established(baseCRD());
  const v2 = structuredClone(old.spec.versions[0]);
  v2.name = 'v2';
  old.spec.versions[0].storage = false;
  old.spec.versions.push(v2);
  old.status.storedVersions = ['v1', 'v2'];
  const crd = structuredClone(old);
  crd.spec.versions = [crd.spec.versions[1]];
  assert.deepEqual(validateCRDUpdate(crd as KObject, old as KObject).map(String), [
    'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
  ]);
});

test('defaultCRD: the storage version joins storedVersions; explicit names and conversion are kept', () => {
  const crd = baseCRD();
  crd.spec.names.singular = 'wdgt';
  crd.spec.names.listKind = 'WidgetCollection';
  crd.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 's', namespace: 'n' } }, conversionReviewVersions: ['v1'] } };
  crd.status = { storedVersions: ['v0'] };
  defaultCRD(crd as KObject);
  assert.equal(crd.spec.names.singular, 'wdgt');
  assert.equal(crd.spec.names.listKind, 'WidgetCollection');
  assert.equal(crd.spec.conversion.webhook.clientConfig.service.port, 443);
  assert.deepEqual(crd.status.storedVersions, ['v0', 'v1']);
});
