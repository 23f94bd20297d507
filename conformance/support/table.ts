// kubectl's human-readable tables, cell by cell and byte for byte.
//
// kubectl prints tables through a tabwriter (k8s.io/cli-runtime/pkg/printers.GetNewTabWriter: minwidth 6,
// padding 3, pad char ' ', flag RememberWidths). Every cell but the last one in a line is tab-terminated,
// so a column is max(6, widest cell + 3) wide and the last cell is never padded. `kubectl get` resets the
// remembered widths for every kind and prints a blank line between kinds, so each kind's table is aligned
// on its own. `get -w` flushes after every event, and RememberWidths keeps an event row at least as wide,
// column by column, as everything printed before it (it can only grow).
//
// The checks here split kubectl's output into cells, re-render the cells the way tabwriter would and
// require the result to equal the output exactly (so the column layout is exactly what a real cluster
// gives), then compare the cells with the expected ones; only cells given as a RegExp (AGE, generated
// names, allocated IPs) are matched loosely.
import assert from 'node:assert/strict';

export type Cell = string | RegExp;

/** AGE for objects created during the run: `0s`…`119s`, `2m`…`9m59s`, `10m`… */
export const AGE = /^(?:\d+s|\d+m(?:\d+s)?)$/;
/** A ClusterIP from the default service CIDR 10.96.0.0/12. */
export const CLUSTER_IP = /^10\.(?:9[6-9]|10\d|11[01])\.\d{1,3}\.\d{1,3}$/;

const MIN_WIDTH = 6;
const PADDING = 3;

/**
 * The tabwriter output for consecutive flushes, each a block of rows (each row: cells; all but the last
 * are tab-terminated), with widths remembered from one flush to the next.
 */
export function renderFlushes(flushes: string[][][]): string {
  const remembered: number[] = [];
  let out = '';
  for (const rows of flushes) {
    const ncols = Math.max(0, ...rows.map((r) => r.length - 1));
    for (let c = 0; c < ncols; c++) {
      let w = Math.max(MIN_WIDTH, remembered[c] ?? 0);
      for (const r of rows) {
        if (c < r.length - 1) w = Math.max(w, [...r[c]!].length + PADDING);
      }
      remembered[c] = w;
    }
    out += rows
      .map((r) => r.map((cell, i) => (i < r.length - 1 ? cell + ' '.repeat(remembered[i]! - [...cell].length) : cell)).join(''))
      .map((l) => `${l}\n`)
      .join('');
  }
  return out;
}

/** The tabwriter output for one block of rows printed in one go. */
export function renderBlock(rows: string[][]): string {
  return renderFlushes([rows]);
}

/**
 * Splits one tabwriter block into cells. Column starts come from the header line: a column starts at
 * position 0 and wherever a non-space follows at least PADDING spaces. (Single spaces occur inside
 * header names such as `NOMINATED NODE`.) Cells may be empty (e.g. SHORTNAMES in api-resources).
 */
export function parseBlock(text: string): string[][] {
  const lines = text.replace(/\n$/, '').split('\n');
  const header = lines[0] ?? '';
  const starts = [0];
  for (let i = PADDING; i < header.length; i++) {
    if (header[i] !== ' ' && header.slice(i - PADDING, i) === ' '.repeat(PADDING)) starts.push(i);
  }
  return lines.map((line) =>
    starts.map((s, j) => {
      const end = j + 1 < starts.length ? starts[j + 1] : undefined;
      return line.slice(s, end).replace(/ +$/, '');
    }),
  );
}

/** Splits a single-line block (a `get -w` event row): cells are separated by 3 or more spaces. */
export function parseLine(line: string): string[] {
  return line.replace(/\n$/, '').split(/ {3,}/);
}

function cellMatches(actual: string | undefined, expected: Cell): boolean {
  if (actual === undefined) return false;
  return typeof expected === 'string' ? actual === expected : expected.test(actual);
}

/** The expected rows as strings: regex cells that match take the actual value, others show as /re/. */
function expectedAsText(actual: string[][], expected: Cell[][]): string[][] {
  return expected.map((row, i) =>
    row.map((cell, j) => {
      if (typeof cell === 'string') return cell;
      const a = actual[i]?.[j];
      return cellMatches(a, cell) ? a! : String(cell);
    }),
  );
}

export interface TableCheckOptions {
  /** Rows (after the header) that may or may not be present, e.g. a controller-created kube-root-ca.crt. */
  optionalRow?: (cells: string[]) => boolean;
  /** Context for messages (usually show(result)). */
  context?: string;
}

/**
 * Checks one tabwriter block: exact layout, then every cell. `expected[0]` is the header row.
 * Returns the parsed rows (header first).
 */
export function expectBlock(text: string, expected: Cell[][], opts: TableCheckOptions = {}): string[][] {
  const ctx = opts.context ? `\n${opts.context}` : '';
  const rows = parseBlock(text);
  assert.equal(text, renderBlock(rows), `column layout differs from what kubectl's tabwriter prints${ctx}`);
  const kept = rows.filter((r, i) => i === 0 || !opts.optionalRow?.(r));
  assert.deepEqual(kept, expectedAsText(kept, expected), `table cells differ${ctx}`);
  return rows;
}

/**
 * Checks a whole `kubectl get` output that may hold several blocks separated by blank lines
 * (`get all`, several kinds). `expected` has one entry per block.
 */
export function expectTables(text: string, expected: Cell[][][], opts: TableCheckOptions = {}): string[][][] {
  const blocks = text.length === 0 ? [] : text.replace(/\n$/, '').split('\n\n').map((b) => `${b}\n`);
  assert.equal(blocks.length, expected.length, `expected ${expected.length} table(s), got ${blocks.length}${opts.context ? `\n${opts.context}` : ''}`);
  return blocks.map((b, i) => expectBlock(b, expected[i]!, opts));
}

/**
 * Checks `kubectl get -w` output: the initial list (header and rows, one flush), then one row per event
 * (one flush each, widths remembered). `isEvent` tells the first event line apart from the list.
 * Rows matching opts.optionalRow are allowed anywhere after the header and left out of the comparison.
 */
export function expectWatch(
  stdout: string,
  isEvent: (line: string) => boolean,
  expectedList: Cell[][],
  expectedEvents: Cell[][],
  opts: TableCheckOptions = {},
): void {
  const ctx = opts.context ? `\n${opts.context}` : '';
  assert.ok(stdout.endsWith('\n'), `output does not end with a newline${ctx}`);
  const lines = stdout.slice(0, -1).split('\n');
  let first = lines.findIndex(isEvent);
  if (first < 0) first = lines.length;
  const list = parseBlock(lines.slice(0, first).join('\n') + '\n');
  const events = lines.slice(first).map(parseLine);
  assert.equal(stdout, renderFlushes([list, ...events.map((e) => [e])]), `column layout differs from what kubectl's tabwriter prints${ctx}`);
  const keptList = list.filter((r, i) => i === 0 || !opts.optionalRow?.(r));
  assert.deepEqual(keptList, expectedAsText(keptList, expectedList), `cells of the initial list differ${ctx}`);
  const keptEvents = events.filter((r) => !opts.optionalRow?.(r));
  assert.deepEqual(keptEvents, expectedAsText(keptEvents, expectedEvents), `event rows differ${ctx}`);
}
