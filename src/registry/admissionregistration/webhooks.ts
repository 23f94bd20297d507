// mutatingwebhookconfigurations and validatingwebhookconfigurations.admissionregistration.k8s.io:
// SetDefaults_{Mutating,Validating}Webhook, SetDefaults_Rule and SetDefaults_ServiceReference
// (pkg/apis/admissionregistration/v1/defaults.go), ValidateMutatingWebhookConfiguration and
// ValidateValidatingWebhookConfiguration (pkg/apis/admissionregistration/validation), and
// printMutatingWebhook / printValidatingWebhook. Stored and served only: Wheelhouse does not call the
// webhooks (see docs/apis/admissionregistration.md).
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { validateLabelSelector } from '../apps/common.ts';
import { Path, isObj, num, obj, objs, str } from '../core/util.ts';
import { validateEnum } from '../core/validation.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';

const ACCEPTED_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];

/** SetDefaults_Rule: scope "*" (used by policies' resourceRules too). */
export function defaultRule(rule: Record<string, unknown>): void {
  if (rule.scope === undefined || rule.scope === null) rule.scope = '*';
}

function defaultWebhook(hook: Record<string, unknown>, mutating: boolean): void {
  if (hook.failurePolicy === undefined || hook.failurePolicy === null) hook.failurePolicy = 'Fail';
  if (hook.matchPolicy === undefined || hook.matchPolicy === null) hook.matchPolicy = 'Equivalent';
  if (!isObj(hook.namespaceSelector)) hook.namespaceSelector = {};
  if (!isObj(hook.objectSelector)) hook.objectSelector = {};
  if (hook.timeoutSeconds === undefined || hook.timeoutSeconds === null) hook.timeoutSeconds = 10;
  if (mutating && (hook.reinvocationPolicy === undefined || hook.reinvocationPolicy === null)) hook.reinvocationPolicy = 'Never';
  for (const r of objs(hook.rules)) defaultRule(r);
  const svc = obj(hook.clientConfig).service;
  if (isObj(svc) && (svc.port === undefined || svc.port === null)) svc.port = 443;
}

/** validateRule: every list required, wildcards alone, a known scope. */
export function validateRule(rule: Record<string, unknown>, path: Path, allowSubresources: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ops = Array.isArray(rule.operations) ? (rule.operations as unknown[]).map(String) : undefined;
  if (ops !== undefined) {
    if (ops.length === 0) errs.push(fieldErrors.required(String(path.child('operations'))));
    if (ops.length > 1 && ops.includes('*')) {
      errs.push(fieldErrors.invalid(String(path.child('operations')), ops, "if '*' is present, must not specify other operations"));
    }
    ops.forEach((op, i) => {
      if (!OPERATIONS.includes(op)) errs.push(fieldErrors.notSupported(String(path.child('operations').index(i)), op, OPERATIONS));
    });
  }
  for (const list of ['apiGroups', 'apiVersions'] as const) {
    const vals = Array.isArray(rule[list]) ? (rule[list] as unknown[]).map(String) : [];
    if (vals.length === 0) errs.push(fieldErrors.required(String(path.child(list))));
    if (vals.length > 1 && vals.includes('*')) {
      const what = list === 'apiGroups' ? 'API groups' : 'API versions';
      errs.push(fieldErrors.invalid(String(path.child(list)), vals, `if '*' is present, must not specify other ${what}`));
    }
    if (list === 'apiVersions') {
      vals.forEach((v, i) => {
        if (v === '') errs.push(fieldErrors.required(String(path.child(list).index(i)), 'version must not be empty'));
      });
    }
  }
  const resources = Array.isArray(rule.resources) ? (rule.resources as unknown[]).map(String) : [];
  if (resources.length === 0) errs.push(fieldErrors.required(String(path.child('resources'))));
  resources.forEach((r, i) => {
    const rp = path.child('resources').index(i);
    if (r === '') errs.push(fieldErrors.required(String(rp)));
    const slash = r.indexOf('/');
    if (slash >= 0 && !allowSubresources) errs.push(fieldErrors.invalid(String(rp), r, 'must not specify subresources'));
  });
  const scope = rule.scope;
  if (typeof scope === 'string') errs.push(...validateEnum(scope, SCOPES, path.child('scope')));
  return errs;
}

/** validateWebhookClientConfig: exactly one of url or service; https URLs; services by name, namespace, path and port. */
function validateClientConfig(cc: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const url = typeof cc.url === 'string' ? cc.url : undefined;
  const svc = isObj(cc.service) ? cc.service : undefined;
  if ((url === undefined) === (svc === undefined)) {
    errs.push(fieldErrors.required(String(path), 'exactly one of url or service is required'));
    return errs;
  }
  if (url !== undefined) {
    const up = path.child('url');
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed) errs.push(fieldErrors.required(String(up), 'host must be specified'));
    else {
      if (parsed.protocol !== 'https:') errs.push(fieldErrors.invalid(String(up), url, "'https' is the only allowed URL scheme"));
      if (parsed.hostname === '') errs.push(fieldErrors.invalid(String(up), url, 'host must be specified'));
      if (parsed.username !== '' || parsed.password !== '') errs.push(fieldErrors.invalid(String(up), url, 'user information is not permitted in the URL'));
      if (parsed.hash !== '') errs.push(fieldErrors.invalid(String(up), url, 'fragments are not permitted in the URL'));
      if (parsed.search !== '') errs.push(fieldErrors.invalid(String(up), url, 'query parameters are not permitted in the URL'));
    }
  }
  if (svc !== undefined) {
    const sp = path.child('service');
    if (!str(svc.name)) errs.push(fieldErrors.required(String(sp.child('name')), 'service name is required'));
    if (!str(svc.namespace)) errs.push(fieldErrors.required(String(sp.child('namespace')), 'service namespace is required'));
    const p = svc.path;
    if (typeof p === 'string' && p !== '' && !p.startsWith('/')) errs.push(fieldErrors.invalid(String(sp.child('path')), p, "must start with a '/'"));
    const port = num(svc.port);
    if (port !== undefined && (port < 1 || port > 65535)) {
      errs.push(fieldErrors.invalid(String(sp.child('port')), port, 'port is not valid: must be between 1 and 65535, inclusive'));
    }
  }
  return errs;
}

/** Webhook names are fully qualified: a DNS subdomain of at least three segments. */
function validateWebhookName(name: string, path: Path): FieldError[] {
  if (name === '') return [fieldErrors.required(String(path))];
  const errs: FieldError[] = [];
  if (name.split('.').length < 3) errs.push(fieldErrors.invalid(String(path), name, 'should be a domain with at least three segments separated by dots'));
  for (const m of isDNS1123Subdomain(name)) errs.push(fieldErrors.invalid(String(path), name, m));
  return errs;
}

function validateReviewVersions(versions: unknown, path: Path): FieldError[] {
  const list = Array.isArray(versions) ? (versions as unknown[]).map(String) : [];
  if (list.length === 0) return [fieldErrors.required(String(path), `must specify one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v)) errs.push(fieldErrors.duplicate(String(path.index(i)), v));
    seen.add(v);
  });
  if (!list.some((v) => ACCEPTED_REVIEW_VERSIONS.includes(v))) {
    errs.push(fieldErrors.invalid(String(path), list, `must include at least one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`));
  }
  return errs;
}

function validateWebhook(hook: Record<string, unknown>, path: Path, mutating: boolean): FieldError[] {
  const errs = validateWebhookName(str(hook.name), path.child('name'));
  objs(hook.rules).forEach((r, i) => errs.push(...validateRule(r, path.child('rules').index(i), true)));
  if (typeof hook.failurePolicy === 'string') errs.push(...validateEnum(hook.failurePolicy, FAILURE_POLICIES, path.child('failurePolicy')));
  if (typeof hook.matchPolicy === 'string') errs.push(...validateEnum(hook.matchPolicy, MATCH_POLICIES, path.child('matchPolicy')));
  const se = hook.sideEffects;
  if (typeof se !== 'string' || se === '') errs.push(fieldErrors.required(String(path.child('sideEffects')), `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!SIDE_EFFECTS.includes(se)) errs.push(fieldErrors.notSupported(String(path.child('sideEffects')), se, SIDE_EFFECTS));
  const timeout = num(hook.timeoutSeconds);
  if (timeout !== undefined && (timeout < 1 || timeout > 30)) {
    errs.push(fieldErrors.invalid(String(path.child('timeoutSeconds')), timeout, 'the timeout value must be between 1 and 30 seconds'));
  }
  errs.push(...validateLabelSelector(hook.namespaceSelector, String(path.child('namespaceSelector'))));
  errs.push(...validateLabelSelector(hook.objectSelector, String(path.child('objectSelector'))));
  if (mutating && typeof hook.reinvocationPolicy === 'string') {
    errs.push(...validateEnum(hook.reinvocationPolicy, REINVOCATION_POLICIES, path.child('reinvocationPolicy')));
  }
  errs.push(...validateReviewVersions(hook.admissionReviewVersions, path.child('admissionReviewVersions')));
  errs.push(...validateClientConfig(obj(hook.clientConfig), path.child('clientConfig')));
  return errs;
}

function webhookStrategy(mutating: boolean): Strategy {
  const defaults = (cfg: KObject) => {
    for (const h of objs(cfg.webhooks)) defaultWebhook(h, mutating);
  };
  return {
    prepareForCreate: defaults,
    prepareForUpdate: defaults,
    validate(cfg) {
      const errs: FieldError[] = [];
      const names = new Set<string>();
      objs(cfg.webhooks).forEach((h, i) => {
        const path = Path.of('webhooks').index(i);
        errs.push(...validateWebhook(h, path, mutating));
        const name = str(h.name);
        if (name !== '' && names.has(name)) errs.push(fieldErrors.duplicate(String(path.child('name')), name));
        names.add(name);
      });
      return errs;
    },
    columns: [NAME_COLUMN, column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), AGE_COLUMN],
    row: (cfg, now) => ({ cells: [cfg.metadata.name ?? '', objs(cfg.webhooks).length, age(cfg, now)] }),
  };
}

export const mutatingWebhookConfigurationStrategy = webhookStrategy(true);
export const validatingWebhookConfigurationStrategy = webhookStrategy(false);
