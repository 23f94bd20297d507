// Upstream's conformance list (kubernetes/kubernetes test/conformance/testdata/conformance.yaml), read from
// the shared reference folder beside the repository; never copied into it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface UpstreamTest {
  testname: string;
  /** The Ginkgo full name; our mirrored test carries exactly this title. */
  codename: string;
  description: string;
  release: string;
  /** The upstream e2e source file, e.g. `test/e2e/apimachinery/watch.go`. */
  file: string;
  /** `sig-api-machinery`, from the codename's leading tag. */
  sig: string;
}

/** Where the reference sits: `../shared/k8s-reference` from the repository root (locally and in CI). */
export function conformanceYamlPath(repoRoot: string): string {
  return path.resolve(repoRoot, '..', 'shared', 'k8s-reference', 'conformance.yaml');
}

export function parseConformanceYaml(text: string): UpstreamTest[] {
  const raw = parse(text) as Array<Record<string, unknown>>;
  if (!Array.isArray(raw)) throw new Error('conformance.yaml: expected a list of tests');
  return raw.map((r, i) => {
    const str = (k: string): string => {
      const v = r[k];
      if (typeof v !== 'string') throw new Error(`conformance.yaml entry ${i}: ${k} is not a string`);
      return v;
    };
    const codename = str('codename');
    const sig = /^\[(sig-[a-z-]+)\]/.exec(codename)?.[1] ?? 'unknown';
    return {
      testname: str('testname'),
      codename,
      description: str('description').trim(),
      release: String(r.release ?? ''),
      file: str('file'),
      sig,
    };
  });
}

export function loadUpstreamTests(repoRoot: string): UpstreamTest[] {
  return parseConformanceYaml(readFileSync(conformanceYamlPath(repoRoot), 'utf8'));
}
