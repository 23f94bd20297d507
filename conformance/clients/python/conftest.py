"""Shared fixtures, and one JSON line per test outcome for the node:test wrapper (python.test.ts)."""
import json
import os
import uuid

import pytest
from kubernetes import client, config


@pytest.fixture(scope="session")
def api_client():
    # The kubeconfig `wheelhouse up` wrote; the wrapper passes its path in KUBECONFIG.
    return config.new_client_from_config(config_file=os.environ["KUBECONFIG"])


@pytest.fixture(scope="session")
def core(api_client):
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="session")
def apps(api_client):
    return client.AppsV1Api(api_client)


@pytest.fixture
def namespace(core):
    """A namespace of its own for each test, removed afterwards."""
    name = f"py-{uuid.uuid4().hex[:8]}"
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    core.delete_namespace(name)


def pytest_runtest_logreport(report):
    out = os.environ.get("PYTEST_RESULTS_FILE")
    if not out:
        return
    # A test counts by its call phase; a failing setup or teardown also counts as a failure.
    if report.when == "call" or report.outcome != "passed":
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps({
                "name": report.nodeid.split("::")[-1],
                "when": report.when,
                "outcome": report.outcome,
                "message": str(report.longrepr).splitlines()[-1] if report.longrepr else "",
            }) + "\n")
