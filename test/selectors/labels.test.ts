import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorFromSpec, parseLabelSelector, SelectorParseError } from '../../src/selectors/labels.ts';

const NAME_REGEX_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof SelectorParseError);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

describe('parseLabelSelector', () => {
  it('parses every operator and prints requirements sorted by key', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['  \t', ''],
      ['x=a', 'x=a'],
      ['x==a', 'x==a'],
      ['x!=a', 'x!=a'],
      ['x', 'x'],
      ['!x', '!x'],
      ['x>1', 'x>1'],
      ['x in (b,a,b)', 'x in (a,b)'],
      ['x notin (a)', 'x notin (a)'],
      ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
      [' z = 1 , a in(p , q) ,!m, b ', 'a in (p,q),b,!m,z=1'],
      ['x=', 'x='],
      ['x=,y', 'x=,y'],
      ['in in (in,notin)', 'in in (in,notin)'],
      ['example.com/app=web', 'example.com/app=web'],
    ];
    for (const [input, want] of cases) {
      assert.equal(parseLabelSelector(input).toString(), want, input);
    }
  });

  it('exposes requirements', () => {
    const s = parseLabelSelector('b notin (y,x),a=1,!c,d,e>5');
    assert.deepEqual(
      s.requirements.map((r) => [r.key, r.operator, r.values]),
      [
        ['a', '=', ['1']],
        ['b', 'notin', ['x', 'y']],
        ['c', '!', []],
        ['d', 'exists', []],
        ['e', 'gt', ['5']],
      ],
    );
    assert.equal(s.empty(), false);
    assert.equal(parseLabelSelector('').empty(), true);
  });

  it('matches with upstream semantics', () => {
    const m = (sel: string, labels: Record<string, string> | undefined) => parseLabelSelector(sel).matches(labels);
    assert.equal(m('', undefined), true);
    assert.equal(m('', { a: 'b' }), true);
    assert.equal(m('a=b', { a: 'b' }), true);
    assert.equal(m('a==b', { a: 'c' }), false);
    assert.equal(m('a=b', {}), false);
    assert.equal(m('a=', { a: '' }), true);
    assert.equal(m('a=', {}), false);
    // != and notin match objects that lack the key
    assert.equal(m('a!=b', {}), true);
    assert.equal(m('a!=b', undefined), true);
    assert.equal(m('a!=b', { a: 'b' }), false);
    assert.equal(m('a notin (b,c)', { a: 'd' }), true);
    assert.equal(m('a notin (b,c)', { a: 'c' }), false);
    assert.equal(m('a notin (b,c)', {}), true);
    assert.equal(m('a in (b,c)', { a: 'c' }), true);
    assert.equal(m('a in (b,c)', {}), false);
    assert.equal(m('a in ()', { a: '' }), true);
    assert.equal(m('a', { a: '' }), true);
    assert.equal(m('a', {}), false);
    assert.equal(m('!a', {}), true);
    assert.equal(m('!a', { a: 'x' }), false);
    assert.equal(m('a,b=2', { a: '1', b: '2' }), true);
    assert.equal(m('a,b=2', { a: '1', b: '3' }), false);
    // inherited Object.prototype members are not labels
    assert.equal(m('constructor', {}), false);
    assert.equal(m('!toString', {}), true);
    // large value sets
    const many = Array.from({ length: 20 }, (_, i) => `v${i}`).join(',');
    assert.equal(m(`a in (${many})`, { a: 'v17' }), true);
    assert.equal(m(`a notin (${many})`, { a: 'v17' }), false);
    assert.equal(m(`a in (${many})`, { a: 'v20' }), false);
  });

  it('compares gt/lt as int64', () => {
    const m = (sel: string, v: string | undefined) => parseLabelSelector(sel).matches(v === undefined ? {} : { n: v });
    assert.equal(m('n>5', '6'), true);
    assert.equal(m('n>5', '5'), false);
    assert.equal(m('n<5', '4'), true);
    assert.equal(m('n<5', '05'), false);
    assert.equal(m('n>5', undefined), false);
    assert.equal(m('n<5', undefined), false);
    assert.equal(m('n>5', 'x'), false);
    assert.equal(m('n<5', '-7'), true);
    assert.equal(m('n>9007199254740993', '9007199254740994'), true);
    assert.equal(m('n<9007199254740993', '9007199254740992'), true);
    assert.equal(m('n>9007199254740993', '9007199254740993'), false);
    assert.equal(m('n<9223372036854775807', '9223372036854775806'), true);
    assert.equal(m('n>1', '9223372036854775808'), false); // overflows int64
    assert.equal(m('n>1', '1e3'), false);
  });

  it('reports syntax errors like upstream', () => {
    assert.equal(parseError('x,'), "found '', expected: identifier after ','");
    assert.equal(parseError(',x'), "found ',', expected: !, identifier, or 'end of string'");
    assert.equal(parseError('x=a b'), "found 'b', expected: ',' or 'end of string'");
    assert.equal(parseError('!,'), "unable to parse requirement: found ',', expected: identifier");
    assert.equal(parseError('x!y'), "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt");
    assert.equal(parseError('x in a'), "unable to parse requirement: found 'a' expected: '('");
    assert.equal(parseError('x in (a b)'), "unable to parse requirement: found 'b', expected: ',' or ')'");
    assert.equal(parseError('x in ('), "unable to parse requirement: found '', expected: ',', ')' or identifier");
    assert.equal(parseError('x in (a,'), "unable to parse requirement: found '', expected: ',', or identifier");
    assert.equal(parseError('x=(a)'), "unable to parse requirement: found '(', expected: identifier");
    assert.equal(parseError('!x=a'), "found '=', expected: ',' or 'end of string'");
  });

  it('validates keys and values with upstream messages', () => {
    assert.equal(
      parseError('a/b/c'),
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_REGEX_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
    assert.equal(parseError('-a=b'), `unable to parse requirement: <nil>: Invalid value: "-a": name part ${NAME_REGEX_MSG}`);
    assert.equal(parseError('/a'), 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty');
    assert.equal(
      parseError(`${'k'.repeat(64)}`),
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    );
    assert.equal(parseError('x=a$b'), `unable to parse requirement: values[0][x]: Invalid value: "a$b": ${VALUE_REGEX_MSG}`);
    assert.equal(
      parseError(`x=${'v'.repeat(64)}`),
      `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    );
    assert.equal(
      parseError('x>abc'),
      `unable to parse requirement: values[0]: Invalid value: "abc": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
    assert.equal(
      parseError('x in (_a,_b)'),
      `unable to parse requirement: [values[0][x]: Invalid value: "_a": ${VALUE_REGEX_MSG}, values[1][x]: Invalid value: "_b": ${VALUE_REGEX_MSG}]`,
    );
    // a 63-character value is fine
    assert.equal(parseLabelSelector(`x=${'v'.repeat(63)}`).requirements[0]!.values[0], 'v'.repeat(63));
  });
});

describe('labelSelectorFromSpec', () => {
  it('treats null as nothing and {} as everything', () => {
    const nothing = labelSelectorFromSpec(null);
    assert.equal(nothing.matches({}), false);
    assert.equal(nothing.empty(), false);
    assert.equal(labelSelectorFromSpec(undefined).matches({ a: 'b' }), false);
    const everything = labelSelectorFromSpec({});
    assert.equal(everything.matches(undefined), true);
    assert.equal(everything.empty(), true);
    assert.equal(labelSelectorFromSpec({ matchLabels: {}, matchExpressions: [] }).empty(), true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const s = labelSelectorFromSpec({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists', values: [] },
      ],
    });
    assert.equal(s.toString(), 'app=web,!canary,env notin (prod),tier in (a,b),zone');
    assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z', env: 'prod' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z', canary: '' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'c', zone: 'z' }), false);
  });

  it('rejects bad operators and requirements with upstream messages', () => {
    assert.throws(
      () => labelSelectorFromSpec({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }),
      SelectorParseError,
    );
    const msg = (spec: Parameters<typeof labelSelectorFromSpec>[0]) => {
      try {
        labelSelectorFromSpec(spec);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    assert.equal(msg({ matchExpressions: [{ key: 'a', operator: 'in' }] }), '"in" is not a valid label selector operator');
    assert.equal(
      msg({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    assert.equal(
      msg({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }),
      'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist',
    );
    assert.equal(msg({ matchLabels: { '/a': 'b' } }), 'key: Invalid value: "/a": prefix part must be non-empty');
    assert.equal(msg({ matchLabels: { a: 'b c' } }), `values[0][a]: Invalid value: "b c": ${VALUE_REGEX_MSG}`);
  });
});
