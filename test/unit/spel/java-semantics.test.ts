import { previewStages, type PreviewRow } from '../../../src/spel/preview';
import { fixtureExecution, stageUnderTest } from '../../conformance/differential/fixture';

/**
 * The preview evaluates with Java's semantics, as Orca's Spring does (issue 10). Each expression
 * runs in the stage under test of the differential fixture: its context holds waitTime (30),
 * pct (0.5), name ('svc-Name_01'), csv ('a,b,,c,,'), list ([1,2,3]), map, nothing (null), ...;
 * its ancestors' outputs and the trigger's parameters are in reach.
 */

function run(expr: string): PreviewRow {
  const stage = stageUnderTest({ expr });
  const row = previewStages(fixtureExecution(stage), [stage]).rows.find((candidate) => candidate.field === 'context.expr');
  if (row === undefined) throw new Error(`no row for ${expr}`);
  return row;
}

const value = (expr: string) => run(expr).value;
const typed = (expr: string) => {
  const row = run(expr);
  return [row.javaType, row.javaJson];
};
const reason = (expr: string) => run(expr).reason ?? '';
const status = (expr: string) => run(expr).status;

describe('numbers keep their Java type', () => {
  it('int, long, double and float literals; integer division and overflow', () => {
    expect(typed('${7 / 2}')).toEqual(['Integer', '3']);
    expect(typed('${7 / 2.0}')).toEqual(['Double', '3.5']);
    expect(typed('${7L / 2}')).toEqual(['Long', '3']);
    expect(typed('${1.5f * 2}')).toEqual(['Float', '3.0']);
    expect(typed('${-7 % 3}')).toEqual(['Integer', '-1']);
    expect(typed('${2147483647 + 1}')).toEqual(['Integer', '-2147483648']);
    expect(typed('${2147483647L + 1}')).toEqual(['Long', '2147483648']);
    expect(typed('${2 ^ 31}')).toEqual(['Long', '2147483648']);
    expect(typed('${big * 4}')).toEqual(['Long', '12000000000']);
  });

  it('an int divided by zero fails; a double gives Infinity or NaN', () => {
    expect(reason('${1 / 0}')).toBe('java.lang.ArithmeticException: / by zero');
    expect(reason('${1 % 0}')).toBe('java.lang.ArithmeticException: / by zero');
    expect(typed('${1.0 / 0}')).toEqual(['Double', '"Infinity"']);
    expect(typed('${0.0 / 0}')).toEqual(['Double', '"NaN"']);
  });

  it('null in arithmetic as Spring treats it', () => {
    expect(reason('${null + 1}')).toContain("EL1030E: The operator 'ADD' is not supported between objects of type 'null' and 'java.lang.Integer'");
    expect(value("${'a' + null}")).toBe('anull');
    expect(value('${null < 1}')).toBe(true);
  });

  it('prints numbers as Java does, in text and in #toJson', () => {
    expect(value('${2.0} x')).toBe('2.0 x');
    expect(value('${pct * 2} x')).toBe('1.0 x');
    expect(value('${1e10} ${0.0001} ${100.0f}')).toBe('1.0E10 1.0E-4 100.0');
    expect(value('${#toJson({a: 2.0, b: 1/3.0})}')).toBe('{"a":2.0,"b":0.3333333333333333}');
  });
});

describe('operators', () => {
  it('converts conditions to Boolean as Spring does', () => {
    expect(value("${'true' ? 1 : 2}")).toBe(1);
    expect(value("${'no' ? 1 : 2}")).toBe(2);
    expect(reason("${'x' ? 1 : 2}")).toContain('EL1001E');
    expect(reason('${null ? 1 : 2}')).toBe('EL1001E: Type conversion problem, cannot convert from null to boolean');
    expect(reason('${nothing and true}')).toContain('cannot convert from null to boolean');
    expect(value("${!'false'}")).toBe(true);
  });

  it("Elvis treats '' as empty", () => {
    expect(value("${emptyText ?: 'x'}")).toBe('x');
    expect(value("${blank ?: 'x'}")).toBe('  ');
    expect(value('${0 ?: 1}')).toBe(0);
  });

  it('reads the word operators', () => {
    expect(value('${7 div 2} ${7 mod 2} ${1 lt 2} ${1 GT 2} ${2 le 2} ${3 ge 4} ${1 eq 1} ${1 ne 1} ${not flag} ${flag and off} ${flag or off}')).toBe('3 1 true false true false true false false false true');
  });

  it('between, instanceof, whole-string matches', () => {
    expect(value('${waitTime between {1, 100}}')).toBe(true);
    expect(value("${'b' between {'a', 'c'}}")).toBe(true);
    expect(reason('${1 between {1}}')).toContain('EL1017E');
    expect(value('${name instanceof T(String)} ${big instanceof T(Long)} ${waitTime instanceof T(Long)}')).toBe('true true false');
    expect(value("${'abc' matches 'b'}")).toBe(false);
    expect(value("${'abc' matches '.b.'}")).toBe(true);
    expect(value("${42 matches '\\d+'}")).toBe(true);
  });

  it('== compares lists and maps by their contents, numbers by value across types', () => {
    expect(value('${{1,2} == {1,2}}')).toBe(true);
    expect(value('${{a: 1} == {a: 1}}')).toBe(true);
    expect(value('${list == {1,2,3}}')).toBe(true);
    expect(value('${{1} == {1L}}')).toBe(false);
    expect(value('${1 == 1.0} ${1L == 1}')).toBe('true true');
    expect(value("${#stage('Bake').status == 'SUCCEEDED'}")).toBe(true);
  });

  it('comparing text with a number is an error', () => {
    expect(reason("${1 < 'a'}")).toContain('EL1013E: Cannot compare instances of class java.lang.Integer and class java.lang.String');
    expect(value("${1 == '1'}")).toBe(false);
    expect(value("${'10' < '9'}")).toBe(true);
  });
});

describe('String methods are Java\'s', () => {
  it('split drops trailing empties, returns an array with .length', () => {
    expect(typed("${csv.split(',')}")).toEqual(['String[]', '["a","b","","c"]']);
    expect(value("${csv.split(',').length}")).toBe(4);
    expect(value("${csv.split(',', -1).length}")).toBe(6);
    expect(value("${'a1b22c'.split('\\d+')[2]}")).toBe('c');
  });

  it('charAt, substring and their bounds', () => {
    expect(typed('${name.charAt(0)}')).toEqual(['Character', '"s"']);
    expect(value('${name.substring(4, 8)}')).toBe('Name');
    expect(reason('${name.substring(3, 1)}')).toBe('java.lang.StringIndexOutOfBoundsException: begin 3, end 1, length 11');
    expect(reason('${name.charAt(99)}')).toContain('StringIndexOutOfBoundsException');
  });

  it('the rest of the public set kork allows', () => {
    expect(value("${'  x '.trim()}|${'\u2003x'.strip()}|${' '.isBlank()}|${'ab'.repeat(2)}|${'abc'.indexOf('c')}|${'a-b'.replace('-', '_')}")).toBe('x|x|true|abab|2|a_b');
    expect(value("${'a1b2'.replaceAll('(\\w)(\\d)', '$2$1')}|${'x'.concat(1)}|${'Hello'.compareTo('Help')}|${'a'.equalsIgnoreCase('A')}")).toBe('1a2b|x1|-4|true');
    expect(value("${'%s=%05.1f'.formatted('x', 2.25)}")).toBe('x=002.3');
    expect(value('${name.length} ${name.empty}')).toBe('11 false');
  });

  it('refuses what kork refuses, saying why', () => {
    expect(reason('${name.chars()}')).toContain("kork's FilteredMethodResolver hides the methods that return IntStream");
    expect(reason('${name.getClass()}')).toContain('EL1004E');
    expect(reason('${name.class}')).toContain('rejected due to return type class java.lang.Class');
  });
});

describe('maps and lists have the methods kork allows', () => {
  it('size, containsKey, keySet, values, entrySet, isEmpty; get is refused', () => {
    expect(value("${map.size()} ${map.containsKey('a')} ${map.isEmpty()} ${list.size()} ${list.contains(2)}")).toBe('5 true false 3 true');
    expect(typed('${map.keySet()}')).toEqual(['Set', '["a","b","c","d-e","nested"]']);
    expect(typed("${{'x': 1}.values()}")).toEqual(['Collection', '[1]']);
    expect(reason("${map.get('a')}")).toContain('EL1004E: Method call: Method get(java.lang.String) cannot be found on type java.util.LinkedHashMap');
    expect(reason('${list.get(0)}')).toContain('EL1004E');
  });

  it("never reaches JavaScript's prototype", () => {
    expect(status('${map.constructor}')).toBe('null');
    expect(status('${name.constructor}')).toBe('failed');
    expect(value('${map.toString()}')).toBe('{a=1, b=two, c=null, d-e=true, nested={deep=[10, 20]}}');
    expect(status("${map['__proto__']}")).toBe('null');
    expect(status('${list.constructor}')).toBe('failed');
  });
});

describe('templates convert each part as Spring does', () => {
  it('joins a list of plain values with commas; a map fails; a null part stays as written', () => {
    expect(value('x ${{1,2}}')).toBe('x 1,2');
    expect(value('x ${list} ${words}')).toBe('x 1,2,3 b,a,c');
    expect(status('x ${map}')).toBe('failed');
    expect(status('x ${maps}')).toBe('failed');
    expect(run('a ${zzz} b ${ name }')).toMatchObject({ status: 'null', value: 'a ${zzz} b svc-Name_01' });
  });
});

describe('T(...) and new', () => {
  it('for the types kork allows', () => {
    expect(value('${T(Math).abs(-3)}')).toBe(3);
    expect(value("${T(java.net.URLEncoder).encode('a b&c', 'UTF-8')}")).toBe('a+b%26c');
    expect(value('${new java.util.Random(42).nextInt(10)}')).toBe(0);
    expect(typed('${T(java.util.UUID).randomUUID()}')[0]).toBe('UUID');
    expect(value("${T(java.time.LocalDate).parse('2026-01-02').plusDays(1).toString()}")).toBe('2026-01-03');
  });

  it("refuses the rest with Orca's message", () => {
    expect(reason('${T(System).currentTimeMillis()}')).toContain("EL1021E: A problem occurred whilst attempting to access the property 'System': '{1}'");
    expect(reason("${new java.io.File('/etc/passwd')}")).toContain("EL1021E: A problem occurred whilst attempting to access the property 'java.io.File'");
    expect(reason('${T(UUID).randomUUID()}')).toBe("EL1005E: Type cannot be found 'UUID'");
    expect(reason('${T(Math).PI}')).toContain('requested getter PI not found');
  });
});

describe('helper functions', () => {
  it('convert their arguments as Spring converts them', () => {
    expect(value('${#toBase64(1)}')).toBe('MQ==');
    expect(value('${#stageByRefId(1).name}')).toBe('Bake');
    expect(value('${#toInt(42) + 1}')).toBe(43);
    expect(reason('${#toInt()}')).toBe('EL1014E: Incorrect number of arguments for function, 0 supplied but function takes 1');
  });

  it('#toFloat, #toBoolean, #judgment, #currentStage, #readJson, #fromBase64', () => {
    expect(typed("${#toFloat('1.5')}")).toEqual(['Float', '1.5']);
    expect(value("${#toBoolean('yes')} ${#toBoolean('TRUE')}")).toBe('false true');
    expect(value("${#judgment('Approve')} ${#judgement('Approve')}")).toBe('ship it ship it');
    expect(status("${#judgment('Bake')}")).toBe('failed');
    expect(value('${#currentStage().name}')).toBe('Under test');
    expect(typed("${#readJson('{\"a\": 1.0}').a}")).toEqual(['Double', '1.0']);
    expect(value("${#readJson('[1,2]').size()}")).toBe(2);
    expect(status("${#readJson('1')}")).toBe('failed');
    expect(status("${#readJson('\"x\"')}")).toBe('failed');
    expect(status("${#fromBase64('a b')}")).toBe('failed');
    expect(status("${#fromBase64('YQ==YQ==')}")).toBe('failed');
    expect(value("${#fromBase64('aGVsbG8')}")).toBe('hello');
  });

  it("#currentUser is the execution's user; #readYaml and #readAllYaml read YAML; the ones that call other services are refused, saying so", () => {
    expect(value('${#currentUser()}')).toBe('bob@example.org');
    expect(value("${#readYaml('a: [1, 2]').a.size()} ${#readAllYaml('a: 1\n---\nb: 2').size()}")).toBe('2 2');
    expect(reason("${#pipelineId('Bake and ship')}")).toContain('the preview does not run #pipelineId: it asks Front50');
  });
});

describe("the context Orca builds", () => {
  it('puts the trigger parameters at the root, and upstream outputs within reach', () => {
    expect(value('${parameters.env}')).toBe('prod');
    expect(value('${serverGroup}')).toBe('orders-v001');
    expect(value('${shadowed}')).toBe('from Deploy');
    expect(value('${count}')).toBe(7);
    expect(status('${sideOnly}')).toBe('null');
    expect(value("${#root.containsKey('serverGroup')} ${#root.containsKey('waitTime')}")).toBe('false true');
  });

  it('passes literal variables on to later ones (v4), but not values that are not text', () => {
    const stage = stageUnderTest({ variables: [{ key: 'a', value: 'literal' }, { key: 'n', value: 5 }, { key: 'b', value: '${a}-${n}' }] });
    const rows = previewStages(fixtureExecution(stage), [stage]).rows;
    expect(rows.map((row) => [row.variable, row.status, row.value])).toEqual([['b', 'null', 'literal-${n}']]);
  });

  it('evaluates the variables of a stage apart under spelEvaluator v3, and says so', () => {
    const stage = stageUnderTest({ variables: [{ key: 'a', value: '${waitTime}' }, { key: 'b', value: '${a + 1}' }] });
    const execution = { ...fixtureExecution(stage), spelEvaluator: 'v3' };
    const rows = previewStages(execution, [stage]).rows;
    expect(rows[1]).toMatchObject({ variable: 'b', status: 'failed' });
    expect(rows[1]?.reason).toContain('"spelEvaluator": "v4"');
  });
});
