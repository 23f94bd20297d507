// The type graph as @kubernetes/client-node ships it: every generated model class carries its fields in
// `attributeTypeMap`, and the .d.ts beside it keeps upstream's descriptions as JSDoc and marks required
// fields by leaving out the `?`. This module turns both into plain data; it knows nothing of OpenAPI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

export interface ModelField {
  /** JSON name (attributeTypeMap baseName). */
  name: string;
  /** Type expression as the generator wrote it: `string`, `Array<V1EnvVar>`, `{ [key: string]: string; }`, … */
  type: string;
  format: string;
  required: boolean;
  description?: string;
}

export interface Model {
  className: string;
  description?: string;
  fields: ModelField[];
}

interface AttributeType {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  attributeTypeMap: AttributeType[];
}

function isModelClass(v: unknown): v is ModelClass {
  return typeof v === 'function' && Array.isArray((v as { attributeTypeMap?: unknown }).attributeTypeMap);
}

function modelsDir(): string {
  const entry = fileURLToPath(import.meta.resolve('@kubernetes/client-node'));
  return path.join(path.dirname(entry), 'gen', 'models');
}

/** openapi-generator escapes quotes with a backslash and breaks up a comment terminator. */
function unescapeDoc(s: string): string {
  return s.replace(/\*_\//g, '*/').replace(/\\(.)/g, '$1');
}

function docText(block: string): string {
  return unescapeDoc(
    block
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, ''))
      .join('\n')
      .trim(),
  );
}

interface Declaration {
  description?: string;
  fields: Map<string, { description?: string; required: boolean }>;
}

/** Reads class and property JSDoc and optionality from one model's .d.ts. */
function parseDeclaration(source: string, className: string): Declaration {
  const out: Declaration = { fields: new Map() };
  const classAt = source.indexOf(`export declare class ${className} `);
  if (classAt < 0) return out;
  const before = source.slice(0, classAt).trimEnd();
  if (before.endsWith('*/')) {
    const open = before.lastIndexOf('/**');
    const text = docText(before.slice(open + 3, before.length - 2));
    if (text) out.description = text;
  }
  const body = source.slice(classAt);
  // Each property: optional JSDoc block, then `'name'?: type;` on its own line.
  const prop = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?\n\s*'([^']+)'(\??):/g;
  for (const m of body.matchAll(prop)) {
    const description = m[1] !== undefined ? docText(m[1]) : undefined;
    out.fields.set(m[2]!, { description: description || undefined, required: m[3] !== '?' });
  }
  return out;
}

let cache: Map<string, Model> | undefined;

/** Every model class of the client, by class name (`V1Pod`, `CoreV1Event`, …). */
export function loadModels(): Map<string, Model> {
  if (cache) return cache;
  const dir = modelsDir();
  const models = new Map<string, Model>();
  const exported = k8s as unknown as Record<string, unknown>;
  for (const className of Object.keys(exported).sort()) {
    const cls = exported[className];
    if (!isModelClass(cls)) continue;
    let decl: Declaration = { fields: new Map() };
    try {
      decl = parseDeclaration(readFileSync(path.join(dir, `${className}.d.ts`), 'utf8'), className);
    } catch {
      // A class without its own declaration file keeps its types and loses only descriptions.
    }
    const fields: ModelField[] = cls.attributeTypeMap.map((a) => {
      const d = decl.fields.get(a.name) ?? decl.fields.get(a.baseName);
      return { name: a.baseName, type: a.type, format: a.format, required: d?.required ?? false, description: d?.description };
    });
    models.set(className, { className, description: decl.description, fields });
  }
  cache = models;
  return models;
}
