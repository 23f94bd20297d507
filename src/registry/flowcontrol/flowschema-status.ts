// The Dangling condition of a FlowSchema, which upstream's APF configuration controller writes after
// the fact. Here it is computed on every create and spec update of a schema, and again for the
// schemas naming a priority level when that level is created or deleted, so `kubectl get flowschemas`
// shows MISSINGPL without a controller.
import { StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { type GenericStore, type StoreHooks, nowRFC3339 } from '../store.ts';
import { obj, objs, str } from '../core/util.ts';

export function danglingCondition(fs: KObject, levelExists: boolean, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const name = str(obj(obj(fs.spec).priorityLevelConfiguration).name);
  const status = levelExists ? 'False' : 'True';
  return {
    type: 'Dangling',
    status,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : nowRFC3339(),
    reason: levelExists ? 'Found' : 'NotFound',
    message: levelExists
      ? `This FlowSchema references the PriorityLevelConfiguration object named "${name}" and it exists`
      : `This FlowSchema references the PriorityLevelConfiguration object named "${name}" but there is no such object`,
  };
}

/** The schema with its Dangling condition set for whether its priority level exists. */
function withDangling(fs: KObject, levelExists: boolean): KObject {
  const status = obj(fs.status);
  const conditions = objs(status.conditions);
  const previous = conditions.find((c) => c.type === 'Dangling');
  status.conditions = [...conditions.filter((c) => c.type !== 'Dangling'), danglingCondition(fs, levelExists, previous)];
  fs.status = status;
  return fs;
}

/**
 * On the priority level store: creating or deleting a level re-marks the schemas that reference it,
 * through their status subresource (which does not come back through the schema hooks).
 */
export function priorityLevelHooks(flowSchemas: GenericStore): StoreHooks {
  const remark = async (level: string, exists: boolean) => {
    const { items } = await flowSchemas.cacher.list({ matches: (fs) => str(obj(obj(fs.spec).priorityLevelConfiguration).name) === level });
    for (const fs of items) {
      try {
        await flowSchemas.patch(undefined, fs.metadata.name!, (cur) => withDangling(cur, exists), { subresource: 'status' });
      } catch (err) {
        // A schema deleted since the list needs no condition.
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  };
  return {
    beginCreate: async (plc, dryRun) => (dryRun ? undefined : async (ok) => (ok ? remark(plc.metadata.name!, true) : undefined)),
    afterDelete: (plc) => remark(plc.metadata.name!, false),
  };
}

export function flowSchemaStatusHooks(levels: GenericStore): StoreHooks {
  const exists = async (name: string) => {
    const key = levels.key(undefined, name);
    return ((await levels.cacher.get(key)) ?? (await levels.storage.get(key))) != null;
  };
  const stamp = async (fs: KObject) => {
    withDangling(fs, await exists(str(obj(obj(fs.spec).priorityLevelConfiguration).name)));
    return undefined;
  };
  return { beginCreate: stamp, beginUpdate: stamp };
}
