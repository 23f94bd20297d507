// Start-up ensurer for the APF bootstrap objects (upstream's apiserver/pkg/util/flowcontrol ensurer):
// a missing object is created; an existing one whose auto-update annotation is "true" gets the
// bootstrap spec back, or is deleted when the bootstrap set no longer has it (endpoint-controller and
// workload-leader-election, dropped in 1.34, kubernetes#131215); one the user marked otherwise is left alone.
import { StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import type { GenericStore } from '../store.ts';
import { semanticEqual } from '../core/util.ts';
import { AUTO_UPDATE_ANNOTATION, FLOW_SCHEMAS, PRIORITY_LEVELS } from './bootstrap.ts';

async function ensure(store: GenericStore, desired: KObject): Promise<void> {
  const name = desired.metadata.name!;
  const existing = await store.storage.get(store.key(undefined, name));
  if (!existing) {
    try {
      await store.create(undefined, structuredClone(desired));
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
    return;
  }
  if (existing.metadata.annotations?.[AUTO_UPDATE_ANNOTATION] !== 'true') return;
  // Compare after defaulting: the stored spec carries the defaults the bootstrap literal leaves out.
  const probe = structuredClone(desired);
  store.strategy.prepareForCreate?.(probe);
  if (semanticEqual(existing.spec, probe.spec)) return;
  await store.patch(undefined, name, (cur) => ({ ...cur, spec: structuredClone(desired.spec) }));
}

/**
 * Priority levels first, so the schemas that reference them are stamped "Found"; each kind's objects
 * are written concurrently, which keeps a fresh cluster's start short.
 */
export async function ensureFlowControlObjects(flowSchemas: GenericStore, priorityLevels: GenericStore): Promise<void> {
  await Promise.all(PRIORITY_LEVELS.map((plc) => ensure(priorityLevels, plc)));
  await Promise.all(FLOW_SCHEMAS.map((fs) => ensure(flowSchemas, fs)));
  await removeUnwanted(flowSchemas, FLOW_SCHEMAS);
  await removeUnwanted(priorityLevels, PRIORITY_LEVELS);
}

/** Objects still marked auto-update that the bootstrap set has dropped go, as upstream's ensurer removes them. */
async function removeUnwanted(store: GenericStore, wanted: readonly KObject[]): Promise<void> {
  const names = new Set(wanted.map((o) => o.metadata.name));
  const { items } = await store.storage.list(store.resourcePrefix, {});
  const unwanted = items.filter((o) => !names.has(o.metadata.name) && o.metadata.annotations?.[AUTO_UPDATE_ANNOTATION] === 'true');
  await Promise.all(
    unwanted.map(async (o) => {
      try {
        await store.delete(undefined, o.metadata.name!, { preconditions: { uid: o.metadata.uid } });
      } catch (err) {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      }
    }),
  );
}
