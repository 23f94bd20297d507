// The documents under openapi/ (written by scripts/setup.sh, not committed) are exactly what
// scripts/gen-openapi.ts produces from the current catalogue, facts table and client models, and producing
// them twice gives the same bytes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateOpenAPI, OPENAPI_DIR, servedV3Paths, v3FileName } from '../../../scripts/gen-openapi.ts';
import { ADDED_TYPES, FIELD_DESCRIPTIONS, TYPE_FACTS } from '../../../src/api/schema/facts.ts';

describe('gen-openapi', () => {
  const first = generateOpenAPI();

  it('the files on disk are the generated ones, byte for byte (run `npm run gen:openapi` after changing inputs)', () => {
    for (const [rel, content] of first.files) {
      const onDisk = readFileSync(path.join(OPENAPI_DIR, rel), 'utf8');
      assert.ok(onDisk === content, `openapi/${rel} is stale: run npm run gen:openapi`);
    }
    const committedV3 = readdirSync(path.join(OPENAPI_DIR, 'v3')).sort();
    const generatedV3 = [...first.files.keys()].filter((k) => k.startsWith('v3/')).map((k) => k.slice(3)).sort();
    assert.deepEqual(committedV3, generatedV3, 'openapi/v3 holds exactly the generated documents');
  });

  it('is deterministic', () => {
    const second = generateOpenAPI();
    assert.deepEqual([...second.files.keys()], [...first.files.keys()]);
    for (const [rel, content] of first.files) assert.ok(second.files.get(rel) === content, rel);
  });

  it('writes one v3 document per served group-version, named after its discovery path', () => {
    for (const gv of servedV3Paths()) {
      assert.equal(first.v3.get(gv), v3FileName(gv), gv);
      assert.ok(first.files.has(`v3/${v3FileName(gv)}`), gv);
    }
    assert.equal(v3FileName('apis/coordination.k8s.io/v1'), 'apis__coordination.k8s.io__v1.json');
  });

  it('uses every entry of the facts table', () => {
    const doc = JSON.parse(first.files.get('v2/swagger.json')!) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
    for (const name of [...Object.keys(TYPE_FACTS), ...Object.keys(ADDED_TYPES), ...Object.keys(FIELD_DESCRIPTIONS)]) {
      assert.ok(doc.definitions[name], `facts name ${name}, which is not generated`);
    }
    for (const [name, fields] of Object.entries(FIELD_DESCRIPTIONS)) {
      for (const field of Object.keys(fields)) assert.ok(doc.definitions[name]!.properties?.[field], `${name}.${field}`);
    }
  });

  it('sorts every object key and ends with a newline', () => {
    const text = first.files.get('v2/swagger.json')!;
    assert.ok(text.endsWith('}\n'));
    const check = (v: unknown, where: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => check(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        assert.deepEqual(keys, [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), where);
        for (const k of keys) check((v as Record<string, unknown>)[k], `${where}.${k}`);
      }
    };
    check(JSON.parse(text), '$');
  });
});
