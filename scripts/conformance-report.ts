// Writes conformance/report.md and conformance/report.json.
//   node --import tsx scripts/conformance-report.ts                  runs conformance/mirror and conformance/clients
//   node --import tsx scripts/conformance-report.ts --results FILE   only reads the results of an earlier run
// A results file is what scripts/conformance/results-reporter.mjs writes; scripts/test.sh makes one during
// the whole suite so the report does not need a second run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_FAILING } from './conformance/known-failing.ts';
import { buildReport, renderMarkdown } from './conformance/report.ts';
import type { TestResult } from './conformance/results-reporter.ts';
import { conformanceYamlPath, loadUpstreamTests } from './conformance/upstream.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIRROR_DIR = path.join(REPO, 'conformance', 'mirror');
const CLIENTS_DIR = path.join(REPO, 'conformance', 'clients');

function filesEnding(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f))
    .sort();
}

const testFiles = (dir: string) => filesEnding(dir, '.test.ts');

/** Runs the mirror and client suites with the spec reporter on stdout and the results reporter to a file. */
function runSuites(resultsFile: string): number {
  const files = [...testFiles(MIRROR_DIR), ...testFiles(CLIENTS_DIR)].map((f) => path.relative(REPO, f));
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/conformance/results-reporter.mjs',
      `--test-reporter-destination=${resultsFile}`,
      ...files,
    ],
    { cwd: REPO, stdio: 'inherit' },
  );
  return r.status ?? 1;
}

function readResults(file: string): TestResult[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TestResult);
}

function main(argv: string[]): number {
  const i = argv.indexOf('--results');
  let resultsFile: string;
  let status = 0;
  if (i >= 0) {
    resultsFile = path.resolve(argv[i + 1] ?? '');
    if (!existsSync(resultsFile)) {
      console.error(`conformance-report: no results file at ${resultsFile}`);
      return 2;
    }
  } else {
    mkdirSync(path.join(REPO, 'conformance', '.results'), { recursive: true });
    resultsFile = path.join(REPO, 'conformance', '.results', 'report-run.jsonl');
    status = runSuites(resultsFile);
  }
  // The mirrors live in per-SIG modules that the runner files (one cluster each) register; the report
  // names the module that holds each codename.
  if (!existsSync(conformanceYamlPath(REPO))) {
    // A clone without ../shared beside it cannot say what upstream's list holds; keep the committed report.
    console.error(`conformance-report: no ${conformanceYamlPath(REPO)}; the report was not rebuilt`);
    return status;
  }
  const mirrorSources = new Map(filesEnding(MIRROR_DIR, '.ts').map((f) => [path.relative(REPO, f).split(path.sep).join('/'), readFileSync(f, 'utf8')]));
  const report = buildReport({
    upstream: loadUpstreamTests(REPO),
    mirrorSources,
    results: readResults(resultsFile),
    repoRoot: REPO,
    knownFailing: KNOWN_FAILING,
  });
  writeFileSync(path.join(REPO, 'conformance', 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(REPO, 'conformance', 'report.md'), renderMarkdown(report));
  const c = report.counts;
  console.log(
    `conformance report: ${c.total} upstream tests, ${c.passing} mirrored and passing, ${c.failing} mirrored and failing, ` +
      `${c.notMirroredYet} not mirrored yet, ${c.notApplicable} not applicable (conformance/report.md)`,
  );
  return status;
}

process.exitCode = main(process.argv.slice(2));
