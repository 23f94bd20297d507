// The top of a V8 .cpuprofile (what `node --cpu-prof` writes): self time per function, with file:line,
// so a bench run can name its hot spots without opening DevTools.
//
// Positions in the profile are in the code tsx handed to V8: esbuild output with whitespace minified,
// so a whole module is a line or two. They are mapped back to the TypeScript source by transforming
// the file again with tsx's options (checked to give byte-identical code to tsx's cache) and reading
// the source map. Files edited after the profiled run map wrongly; profile and read in one go.
import { readFileSync } from 'node:fs';
import { SourceMap, createRequire } from 'node:module';
import path from 'node:path';

type Transform = (code: string, opts: Record<string, unknown>) => { code: string; map: string };

const require = createRequire(import.meta.url);
let transformSync: Transform | undefined | null;
const maps = new Map<string, SourceMap | null>();

/** esbuild comes with tsx; without it, positions stay as V8 reports them. */
function esbuildTransform(): Transform | undefined {
  if (transformSync === undefined) {
    try {
      transformSync = (require('esbuild') as { transformSync: Transform }).transformSync;
    } catch {
      transformSync = null;
    }
  }
  return transformSync ?? undefined;
}

function sourceMapFor(file: string): SourceMap | undefined {
  if (!/\.[cm]?tsx?$/.test(file)) return undefined;
  let map = maps.get(file);
  if (map === undefined) {
    map = null;
    const transform = esbuildTransform();
    if (transform) {
      try {
        const out = transform(readFileSync(file, 'utf8'), {
          loader: file.endsWith('x') ? 'tsx' : 'ts',
          format: 'esm',
          target: `node${process.versions.node}`,
          sourcemap: true,
          sourcesContent: false,
          minifyWhitespace: true,
          keepNames: true,
          sourcefile: file,
        });
        map = new SourceMap(JSON.parse(out.map));
      } catch {
        map = null;
      }
    }
    maps.set(file, map);
  }
  return map ?? undefined;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  fn: string;
  where: string;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  caller?: string;
}

function where(url: string, line: number, column: number, repo: string): string {
  if (!url) return '(native)';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const rel = file.startsWith(repo) ? path.relative(repo, file) : file;
  // Both are 0-based in the profile and in the source map.
  const entry = sourceMapFor(file)?.findEntry(line, column);
  if (entry && 'originalLine' in entry && typeof entry.originalLine === 'number') return `${rel}:${entry.originalLine + 1}`;
  return `${rel}:${line + 1}`;
}

/** A time range on the profiled process's monotonic clock, in µs (process.hrtime.bigint() / 1000 in any process on the host). */
export interface Window {
  fromUs: number;
  toUs: number;
}

function load(file: string, repo: string, window?: Window) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyById = new Map<number, { key: string; where: string }>();
  for (const n of prof.nodes) {
    const w = where(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber, repo);
    keyById.set(n.id, { key: `${n.callFrame.functionName || '(anonymous)'}\u0000${w}`, where: w });
  }
  const selfUs = new Map<number, number>();
  let t = prof.startTime;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.fromUs || t > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  return { parent, keyById, selfUs, totalUs };
}

function spot(k: string, selfUs: number, totalUs: number, allUs: number, caller?: string): HotSpot {
  const [fn, w] = k.split('\u0000') as [string, string];
  return { fn, where: w, selfMs: selfUs / 1000, selfPct: (100 * selfUs) / allUs, totalMs: totalUs / 1000, caller: caller?.replace('\u0000', ' ') };
}

const NOT_CODE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/**
 * Self and total (inclusive; recursion counted once) time per function, heaviest self time first,
 * each with its heaviest caller (helpers such as esbuild's __name say little without one).
 * busyMs leaves out idle time.
 */
export function hotSpots(file: string, repo: string, top = 20, window?: Window): { totalMs: number; busyMs: number; spots: HotSpot[] } {
  const { parent, keyById, selfUs, totalUs } = load(file, repo, window);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const k = keyById.get(id)!.key;
    if (k.startsWith('(idle)')) idleUs += us;
    self.set(k, (self.get(k) ?? 0) + us);
    const p = parent.get(id);
    if (p !== undefined) {
      const byCaller = callers.get(k) ?? new Map<string, number>();
      const pk = keyById.get(p)!.key;
      byCaller.set(pk, (byCaller.get(pk) ?? 0) + us);
      callers.set(k, byCaller);
    }
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = keyById.get(cur)!.key;
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + us);
    }
  }
  const spots = [...self.entries()]
    .filter(([k]) => !NOT_CODE.has(k.split('\u0000')[0]!))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => {
      const heaviest = [...(callers.get(k) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      return spot(k, us, total.get(k) ?? 0, totalUs, heaviest);
    });
  return { totalMs: totalUs / 1000, busyMs: (totalUs - idleUs) / 1000, spots };
}

/** The functions under a repo-relative path prefix (e.g. `src/`) with the most inclusive time. */
export function inclusiveUnder(file: string, repo: string, prefix: string, top = 15, window?: Window): HotSpot[] {
  const { parent, keyById, selfUs, totalUs } = load(file, repo, window);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const k = keyById.get(id)!.key;
    self.set(k, (self.get(k) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { key, where: w } = keyById.get(cur)!;
      if (!w.startsWith(prefix) || seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  return [...total.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => spot(k, self.get(k) ?? 0, us, totalUs));
}

/** Sampled time not spent idle, over the whole profile. */
export function busyMs(file: string): number {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const idle = new Set(prof.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  prof.samples.forEach((id, i) => {
    if (!idle.has(id)) us += prof.timeDeltas[i] ?? 0;
  });
  return us / 1000;
}
