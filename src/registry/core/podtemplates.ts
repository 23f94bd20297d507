// PodTemplates: pkg/registry/core/podtemplate/strategy.go, ValidatePodTemplate, printPodTemplate.
import type { FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { NAME_COLUMN, column, containersAndImages, formatLabelMap } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './podspec.ts';
import { Path, obj, strMap } from './util.ts';

// Upstream prints no Age column for pod templates.
const COLUMNS = [
  NAME_COLUMN,
  column('Containers', 'string', 'Container names of the template.'),
  column('Images', 'string', 'Container images of the template.'),
  column('Pod Labels', 'string', 'Labels of the pods made from the template.'),
];

function row(pt: KObject): TableRow {
  const template = obj(pt.template);
  const containers = obj(template.spec).containers as { name?: string; image?: string }[] | undefined;
  const [names, images] = containersAndImages(Array.isArray(containers) ? containers : []);
  return { cells: [pt.metadata.name ?? '', names, images, formatLabelMap(strMap(obj(template.metadata).labels))] };
}

function defaultTemplate(pt: KObject): void {
  const template = obj(pt.template);
  pt.template = template;
  defaultPodTemplateSpec(template);
}

function validate(pt: KObject): FieldError[] {
  return validatePodTemplateSpec(obj(pt.template), Path.of('template'));
}

export const podTemplateStrategy: Strategy = {
  nameRule: 'subdomain',
  tracksGeneration: true,
  prepareForCreate: defaultTemplate,
  prepareForUpdate: defaultTemplate,
  validate,
  columns: COLUMNS,
  row,
};
