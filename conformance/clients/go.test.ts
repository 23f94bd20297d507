// The official Go client (k8s.io/client-go, pinned in go/go.mod) against a `wheelhouse up`: scripts/setup.sh
// compiles the Go suite into go/.bin/clientgo.test, this runs it once, then one node test per Go test asserts
// it passed, so each lands in the test results and the conformance report.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { clusterForFile, REPO_ROOT } from '../support/cluster.ts';

const execFileAsync = promisify(execFile);

const DIR = path.join(REPO_ROOT, 'conformance', 'clients', 'go');
const BINARY = path.join(DIR, '.bin', 'clientgo.test');
const SOURCES = readdirSync(DIR).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum');

interface GoResult {
  outcome: 'PASS' | 'FAIL' | 'SKIP';
  /** The test's own output (t.Log, t.Error lines), for the failure message. */
  output: string;
}

// The tests are named here from the Go sources, so a test the binary never ran shows up as missing.
const TESTS = SOURCES.filter((f) => f.endsWith('_test.go'))
  .flatMap((f) => [...readFileSync(path.join(DIR, f), 'utf8').matchAll(/^func (Test\w+)\(t \*testing\.T\)/gm)].map((m) => m[1]!))
  .sort();

const cluster = clusterForFile({ args: ['--nodes', '1', '--runtime-latency-scale', '0.1'] });

/**
 * Splits `-test.v` output into per-test results. Top-level tests run one at a time, so everything between
 * `=== RUN   TestX` and the unindented `--- PASS|FAIL|SKIP: TestX` line belongs to TestX.
 */
function parseVerbose(output: string): Map<string, GoResult> {
  const results = new Map<string, GoResult>();
  let current: string | undefined;
  let lines: string[] = [];
  for (const line of output.split('\n')) {
    const run = /^=== RUN\s+(Test\w+)$/.exec(line);
    if (run) {
      current = run[1];
      lines = [];
      continue;
    }
    const done = /^--- (PASS|FAIL|SKIP): (Test\w+) /.exec(line);
    if (done) {
      results.set(done[2]!, { outcome: done[1] as GoResult['outcome'], output: lines.join('\n') });
      current = undefined;
      continue;
    }
    if (current) lines.push(line);
  }
  return results;
}

describe('Go client-go', () => {
  let results = new Map<string, GoResult>();
  let output = '';

  before(async () => {
    assert.ok(existsSync(BINARY), `no Go test binary at ${BINARY}: run scripts/setup.sh`);
    const built = statSync(BINARY).mtimeMs;
    const stale = SOURCES.filter((f) => statSync(path.join(DIR, f)).mtimeMs > built);
    assert.deepEqual(stale, [], `the Go test binary is older than ${stale.join(', ')}: run scripts/setup.sh`);
    const home = mkdtempSync(path.join(os.tmpdir(), 'client-go-'));
    try {
      const run = await runGoSuite({
        PATH: process.env.PATH ?? '',
        HOME: home,
        TMPDIR: home,
        WHEELHOUSE_KUBECONFIG: cluster.kubeconfig,
      });
      output = run.stdout + run.stderr;
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    results = parseVerbose(output);
  });

  it('collects the Go tests', () => {
    assert.ok(TESTS.length >= 8, `found ${TESTS.length} tests in ${DIR}`);
  });

  for (const name of TESTS) {
    it(name, () => {
      const result = results.get(name);
      if (!result) assert.fail(`the Go suite did not report ${name}\n${output.slice(-4000)}`);
      assert.equal(result.outcome, 'PASS', `${name} ${result.outcome}:\n${result.output.slice(-4000)}`);
    });
  }
});

/**
 * Runs the prebuilt binary in a clean environment (no KUBECONFIG or KUBE_FEATURE_* from the caller changes
 * what is tested). It exits 1 when a test failed, which execFile reports as an error carrying the output;
 * each test's outcome is judged from that output.
 */
async function runGoSuite(env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  const args = ['-test.v', '-test.count=1', '-test.timeout=90s'];
  const options = { cwd: DIR, env, timeout: 120_000, killSignal: 'SIGKILL' as const, maxBuffer: 64 * 1024 * 1024 };
  try {
    return await execFileAsync(BINARY, args, options);
  } catch (err) {
    const { stdout, stderr, message } = err as { stdout?: string; stderr?: string; message: string };
    return { stdout: stdout ?? '', stderr: (stderr ?? '') + `\n${message}` };
  }
}
