// The official Python client (`kubernetes` from PyPI, pinned in python/requirements.txt, installed into
// python/.venv by scripts/setup.sh) against a `wheelhouse up`: one pytest run, then one node test per
// Python test asserting it passed, so each lands in the test results and the conformance report.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { clusterForFile, REPO_ROOT } from '../support/cluster.ts';

const DIR = path.join(REPO_ROOT, 'conformance', 'clients', 'python');
const PYTHON = path.join(DIR, '.venv', 'bin', 'python');
const SUITE = path.join(DIR, 'test_client.py');

interface PyResult {
  name: string;
  when: string;
  outcome: 'passed' | 'failed' | 'skipped';
  message: string;
}

// The tests are named here from the Python source, so a test that pytest never ran shows up as missing.
const TESTS = [...readFileSync(SUITE, 'utf8').matchAll(/^def (test_\w+)\(/gm)].map((m) => m[1]!);

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

describe('python kubernetes client', () => {
  const results = new Map<string, PyResult[]>();
  let output = '';

  before(async () => {
    assert.ok(existsSync(PYTHON), `no Python venv at ${PYTHON}: run scripts/setup.sh`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'pytest-results-'));
    const resultsFile = path.join(tmp, 'results.jsonl');
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', SUITE], {
          cwd: DIR,
          env: { PATH: process.env.PATH ?? '', HOME: tmp, TMPDIR: tmp, KUBECONFIG: cluster.kubeconfig, PYTEST_RESULTS_FILE: resultsFile, PYTHONDONTWRITEBYTECODE: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('error', reject);
        // pytest exits 1 when a test failed; each test's own outcome is asserted below.
        child.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (existsSync(resultsFile)) {
        for (const line of readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean)) {
          const r = JSON.parse(line) as PyResult;
          results.set(r.name, [...(results.get(r.name) ?? []), r]);
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('collects the Python tests', () => {
    assert.ok(TESTS.length >= 10, `found ${TESTS.length} tests in ${SUITE}`);
  });

  for (const name of TESTS) {
    it(name, () => {
      const rs = results.get(name);
      assert.ok(rs, `pytest did not report ${name}\n${output.slice(-4000)}`);
      const bad = rs.find((r) => r.outcome !== 'passed');
      assert.ok(!bad, `${name} ${bad?.outcome} in ${bad?.when}: ${bad?.message}\n${output.slice(-4000)}`);
    });
  }
});
