// Plain field paths such as `.spec.replicas` (CRD scale paths, selectable fields): dot-separated
// object keys, no array indexes or filters.

export function readFieldPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.split('.').filter((x) => x !== '')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Sets the value, creating the objects on the way (replacing non-objects in the way). */
export function writeFieldPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.').filter((x) => x !== '');
  let cur = obj;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    cur = next !== null && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : (cur[seg] = {});
  }
  cur[segs[segs.length - 1]!] = value;
}
