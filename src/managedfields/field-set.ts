// A set of field paths, stored as a trie: each entry is one path element below its parent, which may
// be in the set itself (a member) and may have paths below it (children). Set algebra follows
// structured-merge-diff's fieldpath.Set, and the fieldsV1 form (`f:`, `k:`, `v:`, `i:` keys, `.` for a
// member that also has children, entries in path-element order) is upstream's byte for byte.
import {
  FieldsV1Error,
  comparePathElements,
  parsePathElement,
  pathText,
  serializePathElement,
  type PathElement,
} from './path-element.ts';

interface Entry {
  pe: PathElement;
  member: boolean;
  children: FieldSet | undefined;
}

export type FieldsV1 = { [key: string]: FieldsV1 };

export class FieldSet {
  private readonly entries = new Map<string, Entry>();

  static of(...paths: PathElement[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  get empty(): boolean {
    return this.entries.size === 0;
  }

  /** Adds a path; the empty path names the whole object, which nobody owns. */
  insert(path: readonly PathElement[]): void {
    this.insertKeyed(path, path.map(serializePathElement));
  }

  /** Adds a path whose elements' serialised keys the caller already has (the typed walkers). */
  insertKeyed(path: readonly PathElement[], keys: readonly string[]): void {
    if (path.length === 0) return;
    let set: FieldSet = this;
    for (let i = 0; ; i++) {
      const key = keys[i]!;
      let e = set.entries.get(key);
      if (!e) {
        e = { pe: path[i]!, member: false, children: undefined };
        set.entries.set(key, e);
      }
      if (i === path.length - 1) {
        e.member = true;
        return;
      }
      e.children ??= new FieldSet();
      set = e.children;
    }
  }

  /** Inserts by serialised keys when the caller already has them (the typed walkers). */
  insertEntry(key: string, pe: PathElement, member: boolean, children: FieldSet | undefined): void {
    const cur = this.entries.get(key);
    if (!cur) {
      if (!member && (!children || children.empty)) return;
      this.entries.set(key, { pe, member, children: children && !children.empty ? children : undefined });
      return;
    }
    if (member) cur.member = true;
    if (children && !children.empty) cur.children = cur.children ? cur.children.union(children) : children;
  }

  has(path: readonly PathElement[]): boolean {
    let set: FieldSet | undefined = this;
    for (let i = 0; i < path.length; i++) {
      const e: Entry | undefined = set?.entries.get(serializePathElement(path[i]!));
      if (!e) return false;
      if (i === path.length - 1) return e.member;
      set = e.children;
    }
    return false;
  }

  /** The paths below one element (upstream's WithPrefix), or undefined when there are none. */
  child(key: string): { member: boolean; children: FieldSet | undefined } | undefined {
    return this.entries.get(key);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) out.entries.set(k, { pe: e.pe, member: e.member, children: e.children });
    for (const [k, e] of other.entries) {
      const cur = out.entries.get(k);
      if (!cur) out.entries.set(k, { pe: e.pe, member: e.member, children: e.children });
      else {
        cur.member ||= e.member;
        if (e.children) cur.children = cur.children ? cur.children.union(e.children) : e.children;
      }
    }
    return out;
  }

  /** Paths of this set not in `other`; a member of `other` does not take the paths below it. */
  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false);
  }

  /** Like difference, but a member of `other` takes everything below it too (upstream's RecursiveDifference). */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true);
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const o = other.entries.get(k);
      if (!o) {
        out.entries.set(k, e);
        continue;
      }
      if (recursive && o.member) continue;
      const children = e.children && o.children ? e.children.subtract(o.children, recursive) : e.children;
      out.insertEntry(k, e.pe, e.member && !o.member, children);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const o = other.entries.get(k);
      if (!o) continue;
      const children = e.children && o.children ? e.children.intersection(o.children) : undefined;
      out.insertEntry(k, e.pe, e.member && o.member, children);
    }
    return out;
  }

  /**
   * This set, but a field that `other` still has paths below is not taken whole: only its paths that
   * `other` lacks are (upstream prunes with named fields made members, so shared parents survive).
   */
  sparingOwnedFields(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, e] of this.entries) {
      const o = other.entries.get(k);
      if (!o?.children) {
        out.entries.set(k, e);
        continue;
      }
      const children = e.children ? e.children.sparingOwnedFields(o.children) : undefined;
      // List items and set values go whole, as upstream's pruning takes them.
      out.insertEntry(k, e.pe, e.pe.type === 'field' ? false : e.member, children);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.entries.size !== other.entries.size) return false;
    for (const [k, e] of this.entries) {
      const o = other.entries.get(k);
      if (!o || o.member !== e.member) return false;
      if (!e.children !== !o.children) return false;
      if (e.children && !e.children.equals(o.children!)) return false;
    }
    return true;
  }

  private sorted(): [string, Entry][] {
    return [...this.entries].sort((a, b) => comparePathElements(a[1].pe, b[1].pe));
  }

  /** Every path in upstream's iteration order: this level's members, then each child's paths. */
  paths(prefix: PathElement[] = [], out: PathElement[][] = []): PathElement[][] {
    const sorted = this.sorted();
    for (const [, e] of sorted) if (e.member) out.push([...prefix, e.pe]);
    for (const [, e] of sorted) if (e.children) e.children.paths([...prefix, e.pe], out);
    return out;
  }

  /** Printed paths, one per member (tests and diagnostics). */
  toStrings(): string[] {
    return this.paths().map(pathText);
  }

  toFieldsV1(): FieldsV1 {
    const raw = decodedFrom.get(this);
    if (raw) return raw;
    const out: FieldsV1 = {};
    for (const [k, e] of this.sorted()) {
      if (!e.children) out[k] = {};
      else {
        const inner = e.children.toFieldsV1();
        out[k] = e.member ? { '.': {}, ...inner } : inner;
      }
    }
    return out;
  }

  /** `canonical`: the text is one this server wrote (sorted, nothing unknown), so it may be written back as is. */
  static fromFieldsV1(raw: unknown, canonical = false): FieldSet {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FieldsV1Error('fieldsV1 must be an object');
    const set = readLevel(raw as Record<string, unknown>).children ?? new FieldSet();
    // Sets are not changed once built, so an untouched manager's entry is written back as it came.
    if (canonical) decodedFrom.set(set, raw as FieldsV1);
    return set;
  }
}

const decodedFrom = new WeakMap<FieldSet, FieldsV1>();

function readLevel(raw: Record<string, unknown>): { children: FieldSet | undefined; member: boolean } {
  let children: FieldSet | undefined;
  let member = false;
  for (const [key, val] of Object.entries(raw)) {
    if (key === '.') {
      member = true;
      continue;
    }
    const pe = parsePathElement(key);
    if (!pe) continue;
    if (val === null || typeof val !== 'object' || Array.isArray(val)) throw new FieldsV1Error(`expected an object at ${JSON.stringify(key)}`);
    const sub = readLevel(val as Record<string, unknown>);
    children ??= new FieldSet();
    children.insertEntry(serializePathElement(pe), pe, sub.member, sub.children);
  }
  if (!children) member = true;
  return { children, member };
}
