// pods/ephemeralcontainers and pods/resize: upstream's ephemeralContainersStrategy and podResizeStrategy
// (pkg/registry/core/pod/strategy.go) with ValidatePodEphemeralContainersUpdate and the resize checks of
// pkg/apis/core/validation. Each write starts from the stored pod and takes only its own part from the
// request. Hollow node agents do not start ephemeral containers or apply resizes: the API records them.
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import type { SubresourceWrite } from '../strategy.ts';
import { podQOSClass } from './pods.ts';
import { defaultContainer, validateContainer, validatePodSpec } from './podspec.ts';
import { type Obj, Path, clone, isObj, jsonDiff, obj, objs, semanticEqual, str } from './util.ts';

const SPEC = Path.of('spec');
const EPHEMERAL = SPEC.child('ephemeralContainers');
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const NOT_FOR_EPHEMERAL = 'cannot be set for an Ephemeral Container';

/** EphemeralContainerCommon fields upstream leaves out of its allow list, in struct order. */
const FORBIDDEN_EPHEMERAL_FIELDS = [
  'ports',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'restartPolicyRules',
  'lifecycle',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
];

/** Go's zero value test for what validateFieldAllowList sees: absent, empty string, false, 0, or an empty struct. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.values(v).every(isZero);
  return false;
}

function volumeNames(spec: Obj): Set<string> {
  return new Set(objs(spec.volumes).map((v) => str(v.name)));
}

/** validateEphemeralContainers */
function validateEphemeralContainers(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...objs(spec.containers), ...objs(spec.initContainers)].map((c) => str(c.name)));
  const all = new Set(others);
  const volumes = volumeNames(spec);
  objs(spec.ephemeralContainers).forEach((ec, i) => {
    const path = EPHEMERAL.index(i);
    errs.push(...validateContainer(ec, volumes, path));
    const name = str(ec.name);
    if (all.has(name)) errs.push(fieldErrors.duplicate(String(path.child('name')), name));
    else all.add(name);
    const target = str(ec.targetContainerName);
    if (target !== '' && !others.has(target)) errs.push(fieldErrors.notFound(String(path.child('targetContainerName')), target));
    for (const f of FORBIDDEN_EPHEMERAL_FIELDS) {
      if (!isZero(ec[f])) errs.push(fieldErrors.forbidden(String(path.child(f)), NOT_FOR_EPHEMERAL));
    }
    objs(ec.volumeMounts).forEach((vm, j) => {
      const vp = path.child('volumeMounts').index(j);
      if (str(vm.subPath)) errs.push(fieldErrors.forbidden(String(vp.child('subPath')), NOT_FOR_EPHEMERAL));
      if (str(vm.subPathExpr)) errs.push(fieldErrors.forbidden(String(vp.child('subPathExpr')), NOT_FOR_EPHEMERAL));
    });
  });
  return errs;
}

export const ephemeralContainersWrite: SubresourceWrite = {
  prepare(next, old) {
    const out = clone(old) as KObject;
    const eph = obj(next.spec).ephemeralContainers;
    const spec = obj(out.spec);
    if (Array.isArray(eph) && eph.length > 0) {
      spec.ephemeralContainers = clone(eph);
      for (const c of objs(spec.ephemeralContainers)) defaultContainer(c);
    } else delete spec.ephemeralContainers;
    out.spec = spec;
    return out;
  },
  validate(next, old) {
    if (old.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
      return [fieldErrors.forbidden('', 'static pods do not support ephemeral containers')];
    }
    const spec = obj(next.spec);
    const errs = [...validatePodSpec(spec, SPEC), ...validateEphemeralContainers(spec)];
    const byName = new Map(objs(spec.ephemeralContainers).map((c) => [str(c.name), c] as const));
    for (const before of objs(obj(old.spec).ephemeralContainers)) {
      const name = str(before.name);
      const after = byName.get(name);
      if (!after) errs.push(fieldErrors.forbidden(String(EPHEMERAL), `existing ephemeral containers "${name}" may not be removed\n`));
      else if (!semanticEqual(before, after)) {
        errs.push(fieldErrors.forbidden(String(EPHEMERAL), `existing ephemeral containers "${name}" may not be changed\n${jsonDiff(before, after)}`));
      }
    }
    return errs;
  },
};

/** Regular containers and restartable (sidecar) init containers are the ones a resize may touch. */
function resizable(spec: Obj): Obj[] {
  return [...objs(spec.containers), ...objs(spec.initContainers).filter((c) => str(c.restartPolicy) === 'Always')];
}

export const resizeWrite: SubresourceWrite = {
  prepare(next, old) {
    const out = clone(old) as KObject;
    const wanted = new Map(resizable(obj(next.spec)).map((c) => [str(c.name), c] as const));
    for (const c of resizable(obj(out.spec))) {
      const w = wanted.get(str(c.name));
      if (!w) continue;
      if (w.resources === undefined) delete c.resources;
      else c.resources = clone(w.resources);
      if (w.resizePolicy === undefined) delete c.resizePolicy;
      else c.resizePolicy = clone(w.resizePolicy);
    }
    return out;
  },
  validate(next, old) {
    const spec = obj(next.spec);
    const errs = validatePodSpec(spec, SPEC);
    const oldQOS = str(obj(old.status).qosClass) || podQOSClass(obj(old.spec));
    if (podQOSClass(spec) !== oldQOS) errs.push(fieldErrors.invalid(String(SPEC), oldQOS, 'Pod QOS Class may not change as a result of resizing'));
    const before = new Map(resizable(obj(old.spec)).map((c) => [str(c.name), c] as const));
    objs(spec.containers).forEach((c, i) => {
      const was = before.get(str(c.name));
      if (!was) return;
      const path = SPEC.child('containers').index(i).child('resources');
      for (const section of ['limits', 'requests'] as const) {
        const gone = Object.keys(obj(obj(was.resources)[section])).filter((k) => obj(obj(c.resources)[section])[k] === undefined);
        if (gone.length > 0) errs.push(fieldErrors.forbidden(String(path.child(section)), `resource ${section} cannot be removed`));
      }
    });
    return errs;
  },
};
