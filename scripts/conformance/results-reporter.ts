// A node:test reporter that writes one JSON line per finished test (file, ancestry, name, outcome), so the
// conformance report can be built from the same run that printed the spec output, without running it again.
// Used as `--test-reporter=./scripts/conformance/results-reporter.ts --test-reporter-destination=FILE`.
import type { TestEvent } from 'node:test/reporters';

export interface TestResult {
  /** Absolute path of the test file, as node:test reports it. */
  file: string;
  /** Titles of the enclosing describe blocks / parent tests, outermost first. */
  parents: string[];
  name: string;
  outcome: 'pass' | 'fail' | 'skip' | 'todo';
  /** The failure's message (first line), for the report. */
  error?: string;
}

interface Finished {
  name: string;
  nesting: number;
  file?: string;
  skip?: string | boolean;
  todo?: string | boolean;
  details: { error?: unknown; type?: string };
}

function firstLine(err: unknown): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause ?? err;
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.split('\n')[0]!.slice(0, 300);
}

export default async function* resultsReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  // node:test announces each test before its children finish; keeping the started names per file and
  // nesting level gives every finished test its ancestry.
  const open = new Map<string, string[]>();
  for await (const event of source) {
    if (event.type === 'test:start') {
      const d = event.data as { name: string; nesting: number; file?: string };
      const stack = open.get(d.file ?? '') ?? [];
      stack.length = d.nesting;
      stack.push(d.name);
      open.set(d.file ?? '', stack);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data as Finished;
    // Suites (describe blocks) are reported as tests too; only leaf tests count.
    if (d.details.type === 'suite') continue;
    const stack = open.get(d.file ?? '') ?? [];
    const result: TestResult = {
      file: d.file ?? '',
      parents: stack.slice(0, d.nesting),
      name: d.name,
      outcome: event.type === 'test:fail' ? 'fail' : d.skip ? 'skip' : d.todo ? 'todo' : 'pass',
    };
    if (event.type === 'test:fail') result.error = firstLine(d.details.error);
    yield `${JSON.stringify(result)}\n`;
  }
}
