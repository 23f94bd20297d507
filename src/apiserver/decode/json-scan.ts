// What JSON.parse hides in a request body's text: repeated keys and number literals it cannot keep.

/** What one pass over a JSON text finds that the parsed value no longer shows. */
export interface JSONScan {
  /** Paths of keys that appear twice in one object, in document order (`data.a`, `spec.containers[0].name`). */
  duplicates: string[];
  /**
   * Number literals whose text JSON.parse loses (`1.0`, `1e3`, integers past 15 digits), by path. Go
   * decodes the literal itself, so `1.0` is no int32 and a 20-digit count overflows an int64.
   */
  numbers: Map<string, string>;
}

// Literals JSON.parse gives back exactly through String(): most numbers in real bodies.
const PLAIN_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;

/** Duplicate keys and lossy number literals of a text that must already be valid JSON. */
export function scanJSON(text: string): JSONScan {
  // One linear pass that tracks the keys of each open object and the path to it; most bodies have no
  // duplicates and no string holding a brace.
  const duplicates: string[] = [];
  const numbers = new Map<string, string>();
  interface Frame {
    keys?: Set<string>;
    index: number; // element index for arrays
    path: string;
    pendingKey?: string;
  }
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  const childPath = (f: Frame | undefined, key: string | number): string => {
    if (!f) return '';
    if (typeof key === 'number') return `${f.path}[${key}]`;
    return f.path === '' ? key : `${f.path}.${key}`;
  };
  const valuePath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.keys ? childPath(top, top.pendingKey ?? '') : childPath(top, top.index);
  };
  let expectKey = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let j = start;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = escaped ? (JSON.parse(text.slice(start - 1, j + 1)) as string) : text.slice(start, j);
        if (top.keys.has(key)) duplicates.push(childPath(top, key));
        else top.keys.add(key);
        top.pendingKey = key;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let plain = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d !== 0x2e && d !== 0x65 && d !== 0x45 && d !== 0x2b && d !== 0x2d) break;
        plain = false;
      }
      if (!plain || j - i > 15) {
        const literal = text.slice(i, j);
        if (!PLAIN_INTEGER.test(literal)) numbers.set(valuePath(), literal);
      }
      i = j;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = valuePath();
      stack.push(c === 0x7b ? { keys: new Set(), index: 0, path } : { index: 0, path });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
    i++;
  }
  return { duplicates, numbers };
}

/** Paths of keys that appear twice in one JSON object, in document order. */
export function duplicateFields(text: string): string[] {
  return scanJSON(text).duplicates;
}
