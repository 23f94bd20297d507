// How structured-merge-diff sees a SchemaNode: a scalar leaf, a struct or map (granular or atomic), a
// list (atomic, a set of scalars, or a map keyed by some fields), or an untyped value whose shape is
// deduced from the data. Plans are built once per node and cached, so walking an object allocates
// nothing per schema node.
import type { SchemaNode } from '../api/schema/types.ts';

export type TypePlan = ScalarPlan | MapPlan | ListPlan | DeducedPlan;

export interface ScalarPlan {
  kind: 'scalar';
}

export interface DeducedPlan {
  kind: 'deduced';
}

export interface MapPlan {
  kind: 'map';
  atomic: boolean;
  /** Declared fields (a struct); undefined for a map with arbitrary keys. */
  field(name: string): TypePlan | undefined;
  /** Whether `name` is a declared field (a struct field, not a map entry). */
  declares(name: string): boolean;
  /** The value type of keys that are not declared fields. */
  readonly elements: TypePlan | undefined;
  /** Fields that must not hold null after an apply (typed structs drop them, as Go's decoder does). */
  readonly typed: boolean;
}

export interface ListPlan {
  kind: 'list';
  relationship: 'atomic' | 'set' | 'map';
  keys: readonly string[];
  readonly items: TypePlan;
}

const SCALAR: ScalarPlan = { kind: 'scalar' };
export const DEDUCED: DeducedPlan = { kind: 'deduced' };

const cache = new WeakMap<SchemaNode, TypePlan>();

export function planFor(node: SchemaNode | undefined): TypePlan {
  if (!node) return DEDUCED;
  const hit = cache.get(node);
  if (hit) return hit;
  const plan = build(node);
  cache.set(node, plan);
  return plan;
}

function build(node: SchemaNode): TypePlan {
  if (node.intOrString) return SCALAR;
  if (node.type === 'array' || node.items) {
    let relationship: ListPlan['relationship'] = 'atomic';
    let keys: string[] = [];
    if (node.listType) {
      relationship = node.listType;
      if (node.listType === 'map') keys = node.listMapKeys ?? [];
    } else if (node.patchStrategy === 'merge' || node.patchStrategy === 'merge,retainKeys') {
      // Lists without a list type take their merge semantics from the strategic-merge markers, as
      // kube-openapi's schema conversion does.
      relationship = node.patchMergeKey ? 'map' : 'set';
      if (node.patchMergeKey) keys = [node.patchMergeKey];
    }
    const items = node.items;
    let itemPlan: TypePlan | undefined;
    return {
      kind: 'list',
      relationship,
      keys,
      get items() {
        itemPlan ??= planFor(items);
        return itemPlan;
      },
    };
  }
  if (node.properties || node.additionalProperties || node.type === 'object') {
    if (!node.properties && !node.additionalProperties) return node.preserveUnknownFields ? DEDUCED : DEDUCED;
    const props = node.properties;
    const fieldPlans = new Map<string, TypePlan>();
    const extra = node.additionalProperties;
    let extraPlan: TypePlan | undefined;
    const untypedExtra = props !== undefined && !extra;
    return {
      kind: 'map',
      atomic: node.mapType === 'atomic',
      typed: props !== undefined,
      field(name) {
        const p = props?.[name];
        if (!p) return undefined;
        let plan = fieldPlans.get(name);
        if (!plan) {
          plan = planFor(p);
          fieldPlans.set(name, plan);
        }
        return plan;
      },
      declares(name) {
        return props !== undefined && Object.hasOwn(props, name);
      },
      get elements() {
        if (untypedExtra) return node.preserveUnknownFields ? DEDUCED : undefined;
        extraPlan ??= planFor(extra);
        return extraPlan;
      },
    };
  }
  return SCALAR;
}

/** The plan for a value's place in a map: the declared field, else the element type, else deduced. */
export function fieldPlan(map: MapPlan, name: string): TypePlan {
  return map.field(name) ?? map.elements ?? DEDUCED;
}
