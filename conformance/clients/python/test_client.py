"""The official `kubernetes` Python client against Wheelhouse: CRUD, selectors, watch with resume, the three
patch types and API errors, each compared with what kube-apiserver answers."""
import json
import time

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient


def configmap(name, labels=None, data=None):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels), data=data or {"k": "v"})


def deployment(name, replicas=1):
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="nginx:1.27")]),
            ),
        ),
    )


def status_of(err):
    """The Status body of an ApiException, parsed."""
    return json.loads(err.body)


def wait_for(what, fn, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_configmap_crud(core, namespace):
    created = core.create_namespaced_config_map(namespace, configmap("cm", data={"a": "1"}))
    assert created.metadata.uid
    assert created.metadata.resource_version.isdigit()
    got = core.read_namespaced_config_map("cm", namespace)
    assert got.data == {"a": "1"}
    got.data["b"] = "2"
    replaced = core.replace_namespaced_config_map("cm", namespace, got)
    assert replaced.data == {"a": "1", "b": "2"}
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    names = [c.metadata.name for c in core.list_namespaced_config_map(namespace).items]
    assert "cm" in names
    deleted = core.delete_namespaced_config_map("cm", namespace)
    assert deleted.status == "Success"
    with pytest.raises(ApiException) as e:
        core.read_namespaced_config_map("cm", namespace)
    assert e.value.status == 404


def test_deployment_crud(apps, namespace):
    apps.create_namespaced_deployment(namespace, deployment("web", replicas=2))
    got = apps.read_namespaced_deployment("web", namespace)
    assert got.spec.replicas == 2
    assert got.spec.strategy.type == "RollingUpdate", "defaults applied by the server"
    ready = wait_for(
        "2 available replicas",
        lambda: (d := apps.read_namespaced_deployment("web", namespace)).status.available_replicas == 2 and d,
    )
    assert ready.status.observed_generation == ready.metadata.generation
    scale = apps.read_namespaced_deployment_scale("web", namespace)
    assert scale.spec.replicas == 2
    scale.spec.replicas = 1
    apps.replace_namespaced_deployment_scale("web", namespace, scale)
    assert apps.read_namespaced_deployment("web", namespace).spec.replicas == 1
    apps.delete_namespaced_deployment("web", namespace)
    wait_for("deployment gone", lambda: not apps.list_namespaced_deployment(namespace).items)


def test_list_with_label_selectors(core, namespace):
    for name, labels in [("a", {"app": "x", "tier": "web"}), ("b", {"app": "x", "tier": "db"}), ("c", {"app": "y", "tier": "web"})]:
        core.create_namespaced_config_map(namespace, configmap(name, labels))
    by = lambda sel: sorted(c.metadata.name for c in core.list_namespaced_config_map(namespace, label_selector=sel).items)
    assert by("app=x") == ["a", "b"]
    assert by("app=x,tier!=db") == ["a"]
    assert by("tier in (web,db),app notin (x)") == ["c"]
    assert by("tier") == ["a", "b", "c"]
    assert by("!tier") == []
    assert by("app=") == [], "an empty value is a valid selector that matches no label here"
    with pytest.raises(ApiException) as e:
        core.list_namespaced_config_map(namespace, label_selector="app in x")
    st = status_of(e.value)
    assert (e.value.status, st["reason"]) == (400, "BadRequest")
    assert st["message"] == "unable to parse requirement: found 'x' expected: '('"


def test_list_with_field_selectors(core, namespace):
    for name in ["one", "two"]:
        core.create_namespaced_config_map(namespace, configmap(name))
    items = core.list_namespaced_config_map(namespace, field_selector="metadata.name=two").items
    assert [c.metadata.name for c in items] == ["two"]
    items = core.list_namespaced_config_map(namespace, field_selector="metadata.name!=two").items
    assert "two" not in [c.metadata.name for c in items] and "one" in [c.metadata.name for c in items]
    across = core.list_config_map_for_all_namespaces(field_selector=f"metadata.namespace={namespace},metadata.name=one").items
    assert [(c.metadata.namespace, c.metadata.name) for c in across] == [(namespace, "one")]
    with pytest.raises(ApiException) as e:
        core.list_namespaced_config_map(namespace, field_selector="data.k=v")
    assert e.value.status == 400
    assert status_of(e.value)["reason"] == "BadRequest"
    assert status_of(e.value)["message"] == '"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"'


def test_paging_with_limit_and_continue(core, namespace):
    for i in range(7):
        core.create_namespaced_config_map(namespace, configmap(f"page-{i}"))
    seen, token = [], None
    while True:
        page = core.list_namespaced_config_map(namespace, limit=3, _continue=token)
        assert len(page.items) <= 3
        seen += [c.metadata.name for c in page.items if c.metadata.name.startswith("page-")]
        token = page.metadata._continue
        if not token:
            break
    assert sorted(seen) == [f"page-{i}" for i in range(7)]


def test_watch_stream_and_resume(core, namespace):
    start = core.list_namespaced_config_map(namespace).metadata.resource_version
    core.create_namespaced_config_map(namespace, configmap("w", {"watched": "yes"}))
    core.patch_namespaced_config_map("w", namespace, {"data": {"k": "changed"}})
    core.delete_namespaced_config_map("w", namespace)
    w = watch.Watch()
    events = []
    for ev in w.stream(core.list_namespaced_config_map, namespace, label_selector="watched=yes", resource_version=start, timeout_seconds=10):
        events.append((ev["type"], ev["object"].metadata.name, ev["object"].metadata.resource_version))
        if len(events) == 3:
            w.stop()
    assert [(t, n) for t, n, _ in events] == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]
    # Resuming from the ADDED event's version replays exactly what followed it.
    resumed = []
    w2 = watch.Watch()
    for ev in w2.stream(core.list_namespaced_config_map, namespace, label_selector="watched=yes", resource_version=events[0][2], timeout_seconds=10):
        resumed.append((ev["type"], ev["object"].metadata.resource_version))
        if len(resumed) == 2:
            w2.stop()
    assert resumed == [(t, rv) for t, _, rv in events[1:]]


def test_strategic_merge_patch(apps, namespace):
    apps.create_namespaced_deployment(namespace, deployment("smp"))
    # A dict body goes as a strategic merge patch: containers merge by name, not replace the list.
    patched = apps.patch_namespaced_deployment(
        "smp", namespace, {"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox:1.36"}]}}}}
    )
    assert sorted(c.name for c in patched.spec.template.spec.containers) == ["sidecar", "web"]


def test_merge_patch(api_client, apps, namespace):
    apps.create_namespaced_deployment(namespace, deployment("mp"))
    # The typed API always sends a dict as a strategic merge patch; the dynamic client (found through
    # discovery) says which patch type it sends.
    deployments = DynamicClient(api_client).resources.get(api_version="apps/v1", kind="Deployment")
    deployments.patch(
        name="mp",
        namespace=namespace,
        body={"metadata": {"labels": {"patched": "merge"}}, "spec": {"template": {"spec": {"containers": [{"name": "only", "image": "busybox:1.36"}]}}}},
        content_type="application/merge-patch+json",
    )
    patched = apps.read_namespaced_deployment("mp", namespace)
    assert patched.metadata.labels == {"patched": "merge"}
    assert [c.name for c in patched.spec.template.spec.containers] == ["only"], "a merge patch replaces lists"


def test_json_patch(core, namespace):
    core.create_namespaced_config_map(namespace, configmap("jp", data={"a": "1"}))
    patched = core.patch_namespaced_config_map(
        "jp", namespace, [{"op": "add", "path": "/data/b", "value": "2"}, {"op": "replace", "path": "/data/a", "value": "one"}]
    )
    assert patched.data == {"a": "one", "b": "2"}
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("jp", namespace, [{"op": "test", "path": "/data/a", "value": "wrong"}])
    assert e.value.status == 422


def test_errors_not_found(core, namespace):
    with pytest.raises(ApiException) as e:
        core.read_namespaced_config_map("missing", namespace)
    st = status_of(e.value)
    assert e.value.status == 404
    assert (st["kind"], st["status"], st["reason"], st["code"]) == ("Status", "Failure", "NotFound", 404)
    assert st["message"] == 'configmaps "missing" not found'
    assert st["details"] == {"name": "missing", "kind": "configmaps"}


def test_errors_already_exists_and_conflict(core, namespace):
    first = core.create_namespaced_config_map(namespace, configmap("dup"))
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(namespace, configmap("dup"))
    st = status_of(e.value)
    assert (e.value.status, st["reason"], st["message"]) == (409, "AlreadyExists", 'configmaps "dup" already exists')
    core.patch_namespaced_config_map("dup", namespace, {"data": {"k": "newer"}})
    # Writing back the first version: its resourceVersion is stale now.
    first.data = {"k": "stale"}
    with pytest.raises(ApiException) as e:
        core.replace_namespaced_config_map("dup", namespace, first)
    st = status_of(e.value)
    assert (e.value.status, st["reason"]) == (409, "Conflict")
    assert st["message"] == (
        'Operation cannot be fulfilled on configmaps "dup": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


def test_errors_invalid(core, apps, namespace):
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(namespace, configmap("Bad_Name"))
    st = status_of(e.value)
    assert (e.value.status, st["reason"]) == (422, "Invalid")
    assert st["message"].startswith('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')
    assert st["details"]["kind"] == "ConfigMap"
    assert st["details"]["causes"][0]["field"] == "metadata.name"
    assert st["details"]["causes"][0]["reason"] == "FieldValueInvalid"
    bad = deployment("neg")
    bad.spec.replicas = -1
    with pytest.raises(ApiException) as e:
        apps.create_namespaced_deployment(namespace, bad)
    st = status_of(e.value)
    assert (e.value.status, st["reason"]) == (422, "Invalid")
    assert st["message"] == 'Deployment.apps "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
