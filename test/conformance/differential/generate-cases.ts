import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGIONS } from './fixture';

/**
 * A seeded generator of SpEL expressions across the categories of issue 10, evaluated by the
 * preview and by Spring (test/conformance/spring/OrcaSpel.java) in the fixture run (fixture.ts).
 * The output is committed (cases.json) and the test checks that it is this generator's output for
 * SEED: `npx tsx test/conformance/differential/generate-cases.ts --write` writes it again.
 *
 * Each category has shapes (functions of the random source) that name the fixture's values; the
 * random source picks the shape and fills in numbers, keys, regions and texts, so the set covers
 * both what should work and what Orca refuses. Nothing here says what the answer is: Spring does.
 */

export const SEED = 20260110;
export const PER_CATEGORY = 28;

export const CATEGORIES = [
  'property and index access',
  'selection, first, last, projection',
  'ternary',
  'Elvis',
  'safe navigation',
  'concatenation',
  'String methods',
  'comparisons and booleans',
  'list and map literals',
  '#toJson',
  'base64',
  'helpers',
  'unknown keys',
  'out of range',
  'nulls',
  'arithmetic',
  'type references',
  'multi-part templates',
  'structures in text',
  'ancestor outputs',
  'chained variables',
] as const;

export type Category = (typeof CATEGORIES)[number];

export interface DifferentialCase {
  id: string;
  category: Category;
  /** A plain stage's field; or, for chained variables, the variables of an Evaluate Variables stage. */
  expr?: string;
  variables?: Array<{ key: string; value: unknown }>;
}

/** mulberry32: small, seeded, the same on every machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

type Shape = (r: Random) => string;

const NUMBER_KEYS = ['waitTime', 'pct', 'big', 'neg', 'count'];
const TEXT_KEYS = ['name', 'text', 'csv', 'emptyText', 'blank', 'digits', 'decimal', 'yes', 'truthy'];
const ANY_KEYS = [...NUMBER_KEYS, ...TEXT_KEYS, 'nothing', 'flag', 'off', 'list', 'words', 'mixed', 'maps', 'map', 'empty', 'emptyList'];
const LITERAL_TEXTS = ["'abc'", "'a,b,,c,,'", "''", "'  padded  '", "'Hello'", "'x-y-z'", "'ÉCOLE'", "'a1b2c3'"];
const REGEX_TEXTS = ["'[a-z]+'", "'.*World'", "'svc-.*'", "'\\d+'", "'[A-Z].*'", "'b'", "'a|b'"];
const details = "#stage('Bake').outputs.deploymentDetails";

function text(r: Random): string {
  return r.pick([...TEXT_KEYS, ...LITERAL_TEXTS]);
}

function num(r: Random): string {
  return r.pick([String(r.int(-5, 40)), `${r.int(0, 9)}.${r.int(0, 9)}`, `${r.int(1, 9)}L`, `${r.int(1, 9)}.5f`, ...NUMBER_KEYS]);
}

const SHAPES: Record<Exclude<Category, 'chained variables'>, Shape[]> = {
  'property and index access': [
    (r) => `\${${r.pick(ANY_KEYS)}}`,
    (r) => `\${map.${r.pick(['a', 'b', 'c', 'nested'])}}`,
    (r) => `\${map['${r.pick(['a', 'b', 'd-e', 'nested'])}']}`,
    (r) => `\${list[${r.int(0, 2)}]}`,
    (r) => `\${words[${r.int(0, 2)}]}`,
    (r) => `\${maps[${r.int(0, 2)}].${r.pick(['name', 'n', 'tags'])}}`,
    (r) => `\${maps[${r.int(0, 2)}]['${r.pick(['name', 'n'])}']}`,
    (r) => `\${${r.pick(['text', 'name'])}[${r.int(0, 4)}]}`,
    (r) => `\${list['${r.int(0, 2)}']}`,
    () => '${map[a]}',
    () => '${map.nested.deep[1]}',
    (r) => `\${#root['${r.pick(ANY_KEYS)}']}`,
    (r) => `\${trigger.parameters['${r.pick(['env', 'count', 'region'])}']}`,
    (r) => `\${trigger.${r.pick(['user', 'type', 'parameters.env'])}}`,
    (r) => `\${execution.${r.pick(['application', 'name', 'id', 'status', 'canceled', 'origin', 'authentication.user', 'trigger.user', 'trigger.parameters.env'])}}`,
    (r) => `\${${details}[${r.int(0, 2)}].${r.pick(['region', 'imageId', 'baseOs'])}}`,
    (r) => `\${csv.split(',')[${r.int(0, 3)}]}`,
    (r) => `\${#this['${r.pick(['waitTime', 'name'])}']}`,
    (r) => `\${parameters.${r.pick(['env', 'count', 'flag'])}}`,
    () => "${#stage('Deploy').context.account}",
  ],
  'selection, first, last, projection': [
    (r) => `\${maps.?[n > ${r.int(0, 3)}]}`,
    (r) => `\${maps.^[n > ${r.int(0, 3)}]${r.pick(['', '.name'])}}`,
    (r) => `\${maps.$[n < ${r.int(1, 4)}]${r.pick(['', '.name'])}}`,
    () => '${maps.![name]}',
    (r) => `\${maps.![n * ${r.int(1, 3)}]}`,
    (r) => `\${list.?[#this > ${r.int(0, 3)}]}`,
    (r) => `\${list.![#this ${r.pick(['*', '+', '/', '%'])} 2]}`,
    (r) => `\${${details}.^[region == '${r.pick(REGIONS)}'].imageId}`,
    (r) => `\${${details}.?[region != '${r.pick(REGIONS)}'].![region]}`,
    (r) => `\${words.?[#this matches ${r.pick(["'[a-b]'", "'c'", "'.'"])}]}`,
    () => '${map.?[value == 1]}',
    () => '${map.![key]}',
    (r) => `\${maps.?[name == '${r.pick(['a', 'b', 'zz'])}'].size()}`,
    () => '${maps.^[name == \'zz\']}',
    () => '${maps.?[tags != null].![tags.size()]}',
    () => '${words.![#this.toUpperCase()]}',
    () => '${maps.?[n]}',
    () => '${nothing.?[true]}',
    () => '${name.?[true]}',
    (r) => `\${{1,2,3,4}.?[#this % 2 == ${r.int(0, 1)}]}`,
    () => '${maps.![#root.waitTime + n]}',
    () => '${deploymentDetails.![region]}',
  ],
  ternary: [
    (r) => `\${${r.pick(['flag', 'off'])} ? 'a' : 'b'}`,
    (r) => `\${waitTime > ${r.int(10, 50)} ? 'long' : 'short'}`,
    (r) => `\${${r.pick(["'true'", "'false'", "'yes'", "'no'", "'on'", "'x'", "'1'", "''", "' TRUE '"])} ? 1 : 2}`,
    (r) => `\${${r.pick(['nothing', 'emptyText', 'truthy', 'yes', 'name', 'list', 'map', '1', '0', 'emptyList'])} ? 1 : 2}`,
    () => '${list.size() > 2 ? list[0] : list[1]}',
    (r) => `\${flag ? (waitTime > ${r.int(10, 50)} ? 'a' : 'b') : 'c'}`,
    (r) => `\${map.b == 'two' ? ${num(r)} : ${num(r)}}`,
    () => '${parameters.flag ? \'on\' : \'off\'}',
    () => '${trigger.parameters.env == \'prod\' ? \'p\' : \'n\'}',
    () => '${flag ? nothing : 1}',
  ],
  Elvis: [
    (r) => `\${${r.pick(['nothing', 'emptyText', 'blank', 'name', 'map.c', 'map.zz', 'parameters.empty', 'list', 'emptyList', 'empty', 'off'])} ?: 'dflt'}`,
    (r) => `\${${r.pick(['0', 'false', "''", "' '", 'null', '{}', "'x'"])} ?: ${num(r)}}`,
    () => '${nothing ?: emptyText ?: \'third\'}',
    () => '${(nothing ?: 2) + 1}',
    () => '${map.zz ?: map.a}',
    () => 'x ${nothing ?: \'y\'} z',
    () => '${trigger.parameters.missing ?: \'none\'}',
    (r) => `\${nothing?.length() ?: ${r.int(0, 9)}}`,
  ],
  'safe navigation': [
    (r) => `\${nothing?.${r.pick(['length()', 'a', 'a?.b', 'toString()'])}}`,
    (r) => `\${map.zz?.${r.pick(['foo', 'size()', 'a.b'])}}`,
    (r) => `\${nothing.${r.pick(['a', 'length()'])}}`,
    () => '${nothing?.![x]}',
    () => '${nothing?.?[x]}',
    () => '${name?.toUpperCase()}',
    (r) => `\${maps[${r.int(0, 2)}]?.name}`,
    () => '${map?.nested?.deep}',
    () => '${map.nested?.zz?.yy}',
    () => '${map.zz.yy}',
    () => '${#stage(\'Bake\')?.outputs?.zz}',
    () => '${parameters?.env}',
    (r) => `\${${r.pick(['nothing', 'map.zz', 'map.c'])}?.${r.pick(['size()', 'isEmpty()', 'keySet()', 'name', 'x.y.z', 'length'])}}`,
    (r) => `\${${r.pick(['maps', 'words', 'list'])}?.${r.pick(['size()', '![#this]', '?[true]', '^[true]', '$[true]'])}}`,
    (r) => `\${nothing?.${r.pick(['^[true]', '$[true]', 'a[0]', 'a?.![b]'])}}`,
    (r) => `\${${r.pick(['name', 'text', 'emptyText'])}?.${r.pick(['length()', 'trim()', 'split(\',\')?.length', 'isEmpty()'])}}`,
    (r) => `x \${${r.pick(['nothing', 'map.zz'])}?.${r.pick(['a', 'length()'])}} y`,
    (r) => `\${${r.pick(['nothing', 'name'])}?.toUpperCase() ${r.pick(["?: 'none'", "== null", "+ '!'"])}}`,
    () => "${#stage('Bake')?.context?.regions?.size()}",
    () => '${execution?.trigger?.user}',
    () => "${trigger?.parameters?.zz?.length()}",
    () => '${map.nested?.deep?.![#this / 10]}',
  ],
  concatenation: [
    (r) => `\${'a' + ${num(r)}}`,
    (r) => `\${${num(r)} + 'a'}`,
    (r) => `\${name + '-' + ${r.pick(NUMBER_KEYS)}}`,
    (r) => `\${'x' + ${r.pick(['nothing', 'flag', 'list', 'map', 'maps', 'words', 'empty', 'emptyList', 'mixed'])}}`,
    (r) => `\${${r.pick(['nothing', 'flag', 'list', 'map'])} + 'x'}`,
    (r) => `\${${r.int(1, 9)} + ${r.int(1, 9)} + 'a'}`,
    (r) => `\${'a' + ${r.int(1, 9)} + ${r.int(1, 9)}}`,
    (r) => `\${'a' + ${r.pick(['2.0', '1e3', '0.1', '100.0f', '1.0E10', '0.0001', '12345678.9', '1/3.0'])}}`,
    (r) => `\${'${r.pick(['c', 'z', 'b'])}' - ${r.int(1, 3)}}`,
    (r) => `\${'ab' * ${r.int(0, 4)}}`,
    (r) => `\${text + ${r.pick(["' '", 'pct', 'big', 'neg'])}}`,
    (r) => `\${'' + ${r.pick(['big', 'pct', 'off', "#stage('Bake').status", 'execution.status'])}}`,
    () => '${nothing + nothing}',
    () => '${1 + \'\'}',
    () => '${list + list}',
  ],
  'String methods': [
    (r) => `\${${text(r)}.${r.pick(['length()', 'toUpperCase()', 'toLowerCase()', 'trim()', 'isEmpty()', 'isBlank()', 'strip()', 'stripLeading()', 'stripTrailing()', 'hashCode()', 'toString()', 'intern()', 'chars()', 'getClass()', 'toCharArray()', 'getBytes()', 'lines()', 'describeConstable()'])}}`,
    (r) => `\${${text(r)}.charAt(${r.int(0, 5)})}`,
    (r) => `\${${text(r)}.substring(${r.int(0, 6)})}`,
    (r) => `\${${text(r)}.substring(${r.int(0, 3)}, ${r.int(0, 7)})}`,
    (r) => `\${${text(r)}.${r.pick(['indexOf', 'lastIndexOf', 'contains', 'startsWith', 'endsWith', 'equals', 'equalsIgnoreCase', 'compareTo', 'compareToIgnoreCase', 'concat', 'contentEquals'])}(${r.pick(["'a'", "'l'", "'svc'", "'World'", "''", "','", '1', 'nothing', "'HELLO, WORLD'"])})}`,
    (r) => `\${${text(r)}.${r.pick(['indexOf', 'lastIndexOf', 'startsWith'])}(${r.pick(["'l'", "'a'", "','"])}, ${r.int(0, 6)})}`,
    (r) => `\${${text(r)}.replace(${r.pick(["'a', 'b'", "',', ';'", "'-', '_'", "'l', ''", "'', '.'"])})}`,
    (r) => `\${${text(r)}.${r.pick(['replaceAll', 'replaceFirst'])}(${r.pick(["'[aeiou]', '*'", "'(\\w)(\\w)', '$2$1'", "',+', ','", "'l', 'L'", "'^', '>'", "'\\d', '#'"])})}`,
    (r) => `\${${text(r)}.split(${r.pick(["','", "'-'", "''", "'l'", "',+'", "'\\\\s*,\\\\s*'"])})${r.pick(['', '.length', '[0]', '.size()'])}}`,
    (r) => `\${${text(r)}.split(',', ${r.pick(['-1', '0', '2', '10'])})${r.pick(['', '.length'])}}`,
    (r) => `\${${text(r)}.matches(${r.pick(REGEX_TEXTS)})}`,
    (r) => `\${${text(r)}.repeat(${r.int(0, 3)})}`,
    (r) => `\${${text(r)}.${r.pick(['length', 'empty', 'blank', 'bytes', 'class', 'toUpperCase'])}}`,
    (r) => `\${${text(r)}.codePointAt(${r.int(0, 2)})}`,
    (r) => `\${${text(r)}.indent(${r.int(0, 2)})}`,
    (r) => `\${name.${r.pick(['toLowerCase().replace(\'_\', \'-\')', 'split(\'-\')[1].toLowerCase()', 'substring(0, 3).toUpperCase()', 'length() * 2', 'chars().count()', 'formatted(1)'])}}`,
    () => "${'%s-%s'.formatted('a', 'b')}",
    () => "${T(String).format('%s=%d', 'n', 3)}",
    () => "${T(String).join('-', {'a','b'})}",
    () => "${'a-b'.split('-').length}",
  ],
  'comparisons and booleans': [
    (r) => `\${${r.pick(NUMBER_KEYS)} ${r.pick(['>', '<', '>=', '<=', '==', '!=', 'gt', 'lt', 'ge', 'le', 'eq', 'ne', 'GT', 'Lt'])} ${num(r)}}`,
    (r) => `\${${r.pick(["'a'", "'10'", 'name', "'B'"])} ${r.pick(['<', '>', '==', 'lt'])} ${r.pick(["'b'", "'9'", "'svc'", "'a'"])}}`,
    (r) => `\${${r.pick(['1', 'waitTime', 'flag', 'list'])} ${r.pick(['<', '>', '=='])} ${r.pick(["'a'", "'1'", 'name', 'map'])}}`,
    (r) => `\${nothing ${r.pick(['<', '>', '==', '!=', '<=', '>='])} ${r.pick(['1', 'nothing', "'a'", 'null'])}}`,
    (r) => `\${${r.pick(['1 == 1.0', '1L == 1', '1 == 1.0f', "'a' == 'a'", '{1,2} == {1,2}', '{a:1} == {a:1}', 'list == {1,2,3}', '{1} == {1L}', 'map == map', 'maps[0] == maps[0]', "'a,b'.split(',') == 'a,b'.split(',')", 'flag == true', "#stage('Bake').status == 'SUCCEEDED'", "#stage('Bake').status == #stage('Approve').status", "execution.status == 'RUNNING'", '2.5 == 5/2.0', '0.1 + 0.2 == 0.3'])}}`,
    (r) => `\${${r.pick(['flag', 'off', 'truthy', "'yes'", "'x'", 'nothing', 'waitTime > 1'])} ${r.pick(['and', 'or', '&&', '||', 'AND'])} ${r.pick(['flag', 'off', "'true'", 'nothing', "'no'", 'waitTime < 1'])}}`,
    (r) => `\${${r.pick(['not', '!', 'NOT '])}${r.pick(['flag', 'off', "'true'", 'nothing', "'off'", 'waitTime'])}}`,
    (r) => `\${${r.pick(['waitTime', '5', "'b'", 'pct', 'nothing'])} between ${r.pick(['{1, 100}', "{'a', 'c'}", '{0.1, 0.9}', '{100, 1}', '{1}', '{1, 2, 3}'])}}`,
    (r) => `\${${r.pick(['name', 'waitTime', 'big', 'pct', 'flag', 'list', 'map', 'nothing', '1.5f', "'x'.charAt(0)"])} instanceof T(${r.pick(['String', 'Integer', 'Long', 'Double', 'Boolean', 'java.util.List', 'java.util.Map', 'Object'])})}`,
    (r) => `\${${text(r)} matches ${r.pick(REGEX_TEXTS)}}`,
    (r) => `\${${r.pick(['waitTime', 'flag', 'nothing', 'list'])} matches ${r.pick(["'\\d+'", "'true'", "'.*'"])}}`,
    (r) => `\${${r.pick(['1 == \'1\'', "'true' == true", 'true < false', "'a' < 'B'", 'off < flag', 'big > waitTime', 'pct < 1', '-0.0 == 0.0', '{1,2} < {1,3}', 'map < map'])}}`,
  ],
  'list and map literals': [
    (r) => `\${${r.pick(['{1,2,3}', '{}', "{'a', 'b'}", '{1, {2, 3}}', '{nothing}', '{1.0, 2L, 3.5f}', "{a: 1, b: 'x'}", "{'a': 1}", '{:}', '{a: {b: {c: 1}}}', '{x: nothing}', '{1: \'one\', 2: \'two\'}', '{list, words}', '{a: list}'])}}`,
    (r) => `\${${r.pick(['{1,2,3}', '{10,20}'])}[${r.int(0, 3)}]}`,
    (r) => `\${{1: 'a'}[${r.pick(['1', "'1'", '1L'])}]}`,
    (r) => `\${{a: 1, b: 2}[${r.pick(["'a'", 'a', "'zz'", 'b'])}]}`,
    (r) => `\${${r.pick(['{1,2}', '{}', 'list', 'words', 'mixed'])}.${r.pick(['size()', 'isEmpty()', 'contains(2)', "contains('a')", 'indexOf(2)', 'get(0)', 'subList(0, 1)', 'containsAll({1})', 'toArray()', 'iterator()', 'stream()', 'hashCode()', 'lastIndexOf(1)'])}}`,
    (r) => `\${${r.pick(['{a: 1}', '{:}', 'map', 'empty', "{'x': nothing}"])}.${r.pick(['size()', 'isEmpty()', "containsKey('a')", 'containsValue(1)', 'keySet()', 'values()', "get('a')", "getOrDefault('a', 0)", 'entrySet()', 'hashCode()'])}}`,
    (r) => `\${${r.pick(['list', 'map', '{1,2}', '{a:1}'])}.${r.pick(['size', 'empty', 'class', 'keySet'])}}`,
    () => '${{1,2,3}.![#this * 10]}',
    () => '${{a: 1}.a}',
    () => '${{a: 1}.zz}',
    () => "${{'d-e': 1}['d-e']}",
  ],
  '#toJson': [
    (r) => `\${#toJson(${r.pick([...ANY_KEYS, 'map.nested', 'maps[0]', 'mixed'])})}`,
    (r) => `\${#toJson(${r.pick(['2.0', '1/3.0', '1.5f', '100L', "'a\"b'", "'é'", "'<tag>'", 'true', 'null', '{1, 2.0}', '{a: nothing}', '1e21', '1.0/0', "'\\\\'", "{'a': {'b': 1}}"])})}`,
    () => `\${#toJson(${details}.![imageId])}`,
    () => `x \${#toJson(maps)} y`,
    () => "${#toJson('${x}')}",
    () => "${#toJson(#stage('Bake').status)}",
    () => "${#toJson(#stage('Bake').outputs.bakeCount)}",
    () => "${#toJson(name.split('-'))}",
    () => "${#toJson(#readJson(json))}",
    () => '${#toJson(trigger.parameters)}',
    () => '${#toJson()}',
  ],
  base64: [
    (r) => `\${#toBase64(${r.pick(['name', 'text', 'emptyText', "'é ok'", "'a'", '1', 'flag', 'nothing', 'list', 'pct', 'map', "#toJson(map)"])})}`,
    (r) => `\${#fromBase64(${r.pick(['b64', "'aGVsbG8'", "'aGVsbG8='", "'!!'", "'YQ==YQ=='", "'a b'", "'_-8'", "''", "'w6kgb2s='", '1', 'nothing', "'YWJj\\n'"])})}`,
    (r) => `\${#fromBase64(#toBase64(${r.pick(['name', "'é ok'", "'{\"a\":1}'", 'text'])}))}`,
    () => '${#toBase64(#toJson({a: waitTime}))}',
    () => '${#readJson(#fromBase64(#toBase64(json)))[\'a\'][0]}',
  ],
  helpers: [
    (r) => `\${#toInt(${r.pick(["'42'", 'digits', "'4.2'", "'-7'", '42', "' 42'", "'2147483648'", "'0x10'", 'nothing', "''", "'+5'"])})}`,
    (r) => `\${#toInt(digits) ${r.pick(['+ 1', '/ 5', "+ 'x'", '* 2.0'])}}`,
    (r) => `\${#toFloat(${r.pick(["'1.5'", 'decimal', "'abc'", "'1e3'", '2', "'NaN'", "' 3.25 '", "'1.1'", "'0x1p3'"])})}`,
    (r) => `\${#toFloat(decimal) ${r.pick(['* 2', '+ 0.1', '== 2.5', '/ 3'])}}`,
    (r) => `\${#toBoolean(${r.pick(["'TRUE'", "'yes'", 'nothing', '1', 'flag', "'false'", 'truthy'])})}`,
    (r) => `\${#alphanumerical(${r.pick(['name', 'text', "'a-b_c 1!'", 'waitTime'])})}`,
    (r) => `\${#stage(${r.pick(["'Bake'", "'Approve'", "'nope'", "'01DIFFDEPLOY00000000000004'", 'nothing', "'bake'"])}).${r.pick(['name', 'refId', 'type', 'status', 'id', 'context.package', 'outputs.bakeCount', 'zz', 'syntheticStageOwner', 'parentStageId', 'requisiteStageRefIds', 'execution.application', 'startTime', 'join', 'manualJudgmentType'])}}`,
    (r) => `\${#stageByRefId(${r.pick(["'1'", "'4'", '1', "'99'", 'nothing', "'1<2'"])}).${r.pick(['name', 'outputs', 'status', 'type'])}}`,
    (r) => `\${#stageExists(${r.pick(["'Bake'", "'nope'", "'Deploy'", '1'])})}`,
    (r) => `\${#${r.pick(['judgment', 'judgement'])}(${r.pick(["'Approve'", "'Bake'", "'nope'"])})}`,
    (r) => `\${#currentStage().${r.pick(['name', 'refId', 'type', 'context.waitTime', 'status'])}}`,
    (r) => `\${#readJson(${r.pick(['json', 'jsonList', "'1'", "'\"x\"'", "'{bad'", "' [1]'", "'[]'", "'{}'"])})}`,
    () => "${#readJson(json)['a'][1]}",
    () => "${#readJson(jsonList)[2].three}",
    (r) => `\${#${r.pick(['unknownFn', 'toint', 'fromUrl', 'doNotEval'])}('x')}`,
    (r) => `\${#stage('Bake').${r.pick(['ancestors().size()', 'parent', 'execution.id', 'context.regions.size()', 'tasks'])}}`,
    () => "${#stage('Bake in us-east-1').parent.name}",
    () => '${#toInt()}',
    () => "${#toInt('1', '2')}",
  ],
  'unknown keys': [
    (r) => `\${${r.pick(['zzz', 'Zzz', 'waittime', 'imageID'])}}`,
    (r) => `x \${${r.pick(['zzz', 'map.zz'])}} y`,
    (r) => `\${map.${r.pick(['zz', 'A', 'nested.zz'])}}`,
    (r) => `\${map['${r.pick(['zz', 'A'])}']}`,
    (r) => `\${${r.pick(['trigger.parameters', 'parameters', 'trigger'])}.zz}`,
    (r) => `\${${details}[${r.int(0, 2)}].${r.pick(['imageID', 'amiId', 'Region'])}}`,
    (r) => `\${#stage('Bake').${r.pick(['outputs.zz', 'context.zz', 'zz', 'Outputs'])}}`,
    (r) => `\${${r.pick(['map.zz.yy', 'zzz.yy', 'zzz[0]', 'zzz.size()'])}}`,
    (r) => `\${execution.${r.pick(['zz', 'trigger.zz', 'stages[0].zz', 'authentication.zz', 'type', 'source'])}}`,
    () => '${sideOnly}',
    () => '${zzz == null}',
    () => '${#root.zzz}',
    () => '${#zzz}',
    () => '${#zzz == null}',
  ],
  'out of range': [
    (r) => `\${${r.pick(['list', 'words', 'maps', 'emptyList', '{1,2}', 'mixed'])}[${r.pick(['3', '5', '-1', '100', '2147483648', "'x'", '1.5'])}]}`,
    (r) => `\${${r.pick(['text', 'name', 'emptyText'])}[${r.pick(['100', '-1', '11', '12'])}]}`,
    (r) => `\${csv.split(',')[${r.int(3, 6)}]}`,
    (r) => `\${name.substring(${r.pick(['50', '-1', '3, 1', '0, 50', '11', '12'])})}`,
    (r) => `\${name.charAt(${r.pick(['99', '-1', '11', '10'])})}`,
    (r) => `\${${details}[${r.int(3, 5)}]${r.pick(['', '.imageId'])}}`,
    (r) => `\${maps[${r.int(3, 4)}].name}`,
    () => '${list[list.size()]}',
    () => '${text.codePointAt(40)}',
    () => "${'abc'.repeat(-1)}",
    () => '${list.subList(2, 9)}',
  ],
  nulls: [
    (r) => `\${${r.pick(['nothing', 'null', 'NULL', 'map.c', 'mixed[2]'])}}`,
    (r) => `\${${r.pick(['nothing', 'null', 'map.c'])} ${r.pick(['+ 1', '* 2', '- 1', '/ 1', '% 2', '^ 2'])}}`,
    (r) => `\${${r.pick(['1 +', '2 *', '1 -', "'a' +", "'a' -", 'list +'])} ${r.pick(['nothing', 'null'])}}`,
    (r) => `\${${r.pick(['nothing == null', 'null == nothing', 'nothing != null', 'map.c == null', 'map.zz == nothing', 'null < 1', 'null > -1', 'null == 0', "null == ''"])}}`,
    (r) => `\${${r.pick(['!nothing', 'not null', 'nothing and true', 'true or nothing', 'false or nothing'])}}`,
    (r) => `\${${r.pick(['{nothing}', '{nothing, 1}', '{a: nothing}', '{nothing}.size()', '{1, nothing}.contains(null)', 'mixed.contains(null)'])}}`,
    (r) => `x \${${r.pick(['nothing', 'map.c', 'null'])}} y`,
    (r) => `\${nothing ${r.pick(['instanceof T(String)', "matches 'a'", 'between {1, 2}'])}}`,
    () => "${'a'.concat(nothing)}",
    () => "${'a'.equals(null)}",
    () => '${#toJson(nothing)}',
    () => '${map.c?.length()}',
  ],
  arithmetic: [
    (r) => `\${${r.int(-9, 20)} ${r.pick(['/', '%', 'div', 'mod', 'DIV'])} ${r.pick([String(r.int(1, 7)), String(-r.int(1, 7)), '0', '0.0', '2.0', '3L', '2f'])}}`,
    (r) => `\${${r.pick(['2147483647 + 1', '2147483647L + 1', '-2147483648 - 1', '100000 * 100000', '100000L * 100000', '9223372036854775807L + 1', '46341 * 46341', '-(-2147483648)', '2147483648', '2147483647'])}}`,
    (r) => `\${${r.pick(['1.0 / 0', '-1.0 / 0', '0.0 / 0', '1 / 0', '1 % 0', '1L / 0', '1.0f / 0', '5 % 0.0', '0.0 / 0 == 0.0 / 0'])}}`,
    (r) => `\${${r.int(0, 5)} ^ ${r.pick(['2', '10', '31', '32', '0.5', '2L', '-1'])}}`,
    (r) => `\${${r.pick(NUMBER_KEYS)} ${r.pick(['*', '/', '+', '-', '%'])} ${num(r)}}`,
    (r) => `\${${r.pick(['1e3', '1.5E2', '2.5e-3', '0x1F', '0xffL', '1_000', '.5', '5.', '07', '1d', '1.0D', '3.4L', '0x'])}}`,
    (r) => `\${${r.pick(['(1 + 2) * 3', '1 + 2 * 3', '10 - 2 - 3', '2 * 3 % 4', '-3 - -2', '- waitTime', '+pct', '-big', '--1', '1 - -1', '-2 ^ 2', '2 ^ 3 ^ 2'])}}`,
    (r) => `\${#toInt('${r.int(1, 99)}') / ${r.int(2, 9)}}`,
    (r) => `\${${r.pick(['0.1 + 0.2', '1.1 * 3', '1.1f * 3', '10 / 4.0', '1e20 * 1e20', '1e308 * 10', '4.35 * 100', '1.0E-5 + 0', '123456789.0 * 10', '0.001 * 1', '1e7 + 0.0'])}}`,
    (r) => `\${${r.pick(['big + 1', 'big * 4', 'big / 7', 'big * big', 'big * big * big * 1000000', 'neg % 3', 'neg / 2', 'waitTime / 7 * 7'])}}`,
    (r) => `\${${r.pick(["'3' * 2", "2 * '3'", "'3' + 2", "'3' - 2", 'flag + 1', 'list * 2', "'a' / 2"])}}`,
  ],
  'type references': [
    (r) => `\${T(${r.pick(['Math', 'java.lang.Math'])}).${r.pick(['abs(-3)', 'max(1, 2)', 'min(1.5, 2)', 'floor(2.7)', 'ceil(2.1)', 'round(2.5)', 'round(2.5f)', 'sqrt(16)', 'pow(2, 10)', 'floorDiv(7, 2)', 'floorMod(-7, 3)', 'signum(-2.5)', 'abs(-2147483648)', 'PI', 'E', 'max(waitTime, count)', 'hypot(3, 4)'])}}`,
    (r) => `\${T(${r.pick(['Integer', 'java.lang.Integer'])}).${r.pick(['parseInt(\'42\')', 'valueOf(\'7\')', 'MAX_VALUE', 'toHexString(255)', 'max(3, 9)', 'parseInt(\'x\')', 'valueOf(12).toString()', 'sum(1, 2)', 'toString(5, 2)', 'compare(1, 2)'])}}`,
    (r) => `\${T(${r.pick(['Long', 'Double', 'Boolean', 'Byte'])}).${r.pick(['valueOf(\'5\')', "parseLong('5')", "parseDouble('1.5')", "parseBoolean('TRUE')", 'MAX_VALUE', "valueOf('true')"])}}`,
    (r) => `\${T(String).${r.pick(['valueOf(1)', 'valueOf(2.0)', 'valueOf(true)', "join(',', words)", 'valueOf(nothing)', "format('%05d', 42)"])}}`,
    (r) => `\${T(${r.pick(['System', 'java.lang.System', 'Runtime', 'java.lang.Runtime', 'java.lang.Thread', 'java.util.HashMap', 'java.io.File', 'Class', 'java.lang.ProcessBuilder', 'Object', 'java.util.Collections', 'java.util.Arrays', 'Nope', 'java.lang.Character'])})${r.pick(['', '.getName()', '.currentTimeMillis()', '.getRuntime()'])}}`,
    (r) => `\${new ${r.pick(["String('x')", "java.lang.String('x')", 'java.util.Date().getTime() > 0', "java.util.Random(42).nextInt(10)", 'java.util.ArrayList()', 'java.util.HashMap()', "java.io.File('/etc/passwd')", "java.lang.ProcessBuilder('ls')", "Integer(5)", "java.lang.StringBuilder('x')", "java.text.SimpleDateFormat('yyyy').toPattern()"])}}`,
    (r) => `\${T(java.util.UUID).${r.pick(['randomUUID()', 'randomUUID().toString().length()', "fromString('123e4567-e89b-12d3-a456-426614174000').toString()", "nameUUIDFromBytes('x'.getBytes()).toString()"])}}`,
    (r) => `\${T(java.time.${r.pick(['LocalDate', 'Instant', 'LocalDateTime'])}).${r.pick(['now()', "parse('2026-01-02')", "parse('2026-01-02').plusDays(1).toString()", "parse('2026-01-02').getDayOfWeek()", "parse('2026-01-02T03:04:05Z').toEpochMilli()", 'now().getYear() > 2000', 'ofEpochMilli(0).toString()', 'of(2026, 1, 2).toString()'])}}`,
    (r) => `\${T(java.time.${r.pick(['DayOfWeek', 'temporal.ChronoUnit'])}).${r.pick(['MONDAY', "valueOf('MONDAY')", 'values().length', "valueOf('DAYS')", 'DAYS'])}}`,
    (r) => `\${T(java.net.URLEncoder).encode(${r.pick(["'a b&c'", 'name', "'é'"])}, 'UTF-8')}`,
    (r) => `\${T(Math).random() ${r.pick(['', '< 1', '* 0'])}}`,
    (r) => `\${${r.pick(["'x'.getClass()", "'x'.getClass().getName()", 'waitTime.getClass()', "T(String).getName()", "T(String)", 'T(Math)', "T(int)", 'T(String[])'])}}`,
    () => '${T(java.time.temporal.TemporalAdjusters).firstDayOfMonth() != null}',
  ],
  'multi-part templates': [
    (r) => `\${${r.pick(ANY_KEYS.filter((key) => !['list', 'words', 'maps', 'map', 'mixed', 'empty', 'emptyList'].includes(key)))}}-\${${r.pick(['name', 'waitTime', 'pct', 'flag', 'nothing'])}}`,
    (r) => `prefix \${${r.pick(['name', 'waitTime', 'pct', 'big', 'flag', 'nothing', 'execution.status'])}} suffix`,
    (r) => `\${${r.pick(['2.0', '1e3', '2.5f', '1/3.0', '10/4', '100L', '-0.0', '1.0/0', "'x'.charAt(0)"])}} x`,
    (r) => `a \${'b'} c \${${r.int(1, 9)} + ${r.int(1, 9)}}`,
    () => "${'}'}x",
    () => "${'{'}${'['}",
    () => '${ name }/${ waitTime }',
    () => 'x ${ zzz } y ${ name }',
    () => '$ {name} ${name}',
    () => '${name}${',
    () => '${}',
    () => '${ }',
    () => 'x ${name} y ${name',
    () => '#{name} ${name}',
    () => '${name}}',
    () => "${text.split(',')[0]}-${waitTime / 4}",
    () => "${#stage('Bake').status} since ${#stage('Bake').startTime}",
    () => '${{a:1}.a}:${list[0]}',
    () => '${ {1,2}.size() }',
    () => "${'a' + '${b}'}",
    () => '${name ${name}}',
    () => '${(name}',
  ],
  'structures in text': [
    (r) => `x \${${r.pick(['list', 'words', 'mixed', 'emptyList', 'map', 'maps', 'empty', 'map.nested', 'map.nested.deep', "csv.split(',')", "name.split('-')", 'deploymentDetails', "deploymentDetails.![region]", "deploymentDetails[0]", "#stage('Bake')", "#stage('Bake').outputs", 'execution', 'trigger.parameters', "'a'.getBytes()", "'ab'.toCharArray()", 'map.keySet()', 'map.values()', 'map.entrySet()'])}}`,
    (r) => `x \${${r.pick(['{}', '{1,{2,3}}', '{a:1}', '{1.0, 2}', '{nothing}', "{true,'a'}", '{{a:1}}', '{{}}', "{1, {a: 1}}", '{2.5f, 3L}', "{'x', nothing, 'y'}"])}}`,
    (r) => `\${${r.pick(['list', 'map', 'words'])}} and \${${r.pick(['list', 'name', 'maps'])}}`,
    () => `ids: \${#toJson(${details}.![imageId])}`,
    () => 'n=${list.size()} first=${list[0]}',
    () => "x ${T(java.time.LocalDate).parse('2026-01-02')}",
    () => "x ${T(java.time.LocalDate).parse('2026-01-02').getDayOfWeek()}",
    () => "x ${T(java.util.UUID).fromString('123e4567-e89b-12d3-a456-426614174000')}",
    () => 'x ${new java.util.Random(1)}',
  ],
  'ancestor outputs': [
    (r) => `\${${r.pick(['serverGroup', 'imageId_us_east_1', 'ratio', 'facts', 'flags', 'shadowed', 'count', 'bakeCount', 'deploymentDetails', 'instances', 'sideOnly', 'judgmentInput'])}}`,
    (r) => `\${${r.pick(['ratio * 2', 'facts.a', "facts['b']", 'facts.list[1]', 'flags[0]', 'instances.?[healthy].![id]', 'deploymentDetails.size()', 'bakeCount + count'])}}`,
    (r) => `\${deploymentDetails.^[region == '${r.pick(REGIONS)}'].imageId}`,
    (r) => `\${#root['${r.pick(['serverGroup', 'deploy.server.groups', 'shadowed'])}']}`,
    () => "${#root['deploy.server.groups']['us-east-1'][0]}",
    (r) => `\${#root.${r.pick(['containsKey(\'serverGroup\')', "containsKey('waitTime')", 'size() > 0', "get('serverGroup')"])}}`,
    () => 'sg: ${serverGroup}, ratio: ${ratio}',
    () => '${execution.stages.?[refId == \'4\'][0].outputs.serverGroup}',
    () => '${#stage(\'Deploy\').outputs.serverGroup}',
    () => '${#stage(\'Side\').outputs.sideOnly}',
  ],
};

type VariableSteps = Array<{ key: string; value: unknown }>;

const CHAINS: Array<(r: Random) => VariableSteps> = [
  (r) => [
    { key: 'a', value: `\${waitTime * ${r.int(2, 5)}}` },
    { key: 'b', value: '${a + 1}' },
  ],
  () => [
    { key: 'a', value: 'literal' },
    { key: 'b', value: '${a}-x' },
  ],
  () => [
    { key: 'a', value: '${zzz}' },
    { key: 'b', value: '${a}' },
  ],
  () => [
    { key: 'a', value: '${1/0}' },
    { key: 'b', value: '${a}' },
  ],
  () => [
    { key: 'a', value: '${list}' },
    { key: 'b', value: '${a.size()}' },
  ],
  () => [
    { key: 'a', value: 'x' },
    { key: 'a', value: 'y' },
    { key: 'b', value: '${a}' },
  ],
  () => [
    { key: 'a', value: '${name}' },
    { key: 'b', value: '${a.toUpperCase()}' },
    { key: 'c', value: '${b}-${a}' },
  ],
  (r) => [
    { key: 'n', value: r.int(1, 9) },
    { key: 'm', value: '${n}' },
  ],
  () => [
    { key: 'flagVar', value: true },
    { key: 'm', value: '${flagVar ? 1 : 2}' },
  ],
  () => [
    { key: 'a', value: 'x ${zzz} y' },
    { key: 'b', value: '${a.length()}' },
  ],
  (r) => [
    { key: 'img', value: `\${deploymentDetails.^[region == '${r.pick(REGIONS)}'].imageId}` },
    { key: 'payload', value: '${#toJson({image: img, user: trigger.user})}' },
  ],
  () => [
    { key: 'serverGroup', value: 'mine' },
    { key: 'b', value: '${serverGroup}' },
  ],
  () => [
    { key: 'a', value: '${2.0}' },
    { key: 'b', value: '${a * 2}' },
    { key: 'c', value: 'v${b}' },
  ],
  () => [
    { key: 'a', value: '${{1,2}}' },
    { key: 'b', value: 'x ${a}' },
  ],
  () => [
    { key: 'a', value: '${map}' },
    { key: 'b', value: '${a.b}' },
  ],
  () => [
    { key: 'a', value: '${b}' },
    { key: 'b', value: 'later' },
    { key: 'c', value: '${a}' },
  ],
  () => [
    { key: 'a', value: "${#stage('Bake').status}" },
    { key: 'b', value: "${a == 'SUCCEEDED'}" },
  ],
  () => [
    { key: 'a', value: '${#currentStage().name}' },
    { key: 'b', value: '${a}' },
  ],
];

/**
 * Cases where Debian's Spring 4.3 (the harness) answers differently from Orca's 5.3 (harness-gaps.ts
 * explains each): added after the seeded ones, so that the gaps are shown rather than hidden.
 */
const GAP_CASES: Partial<Record<Category, string[]>> = {
  concatenation: ["${'ab' * 200}", '${text.repeat(9000) + name}'],
  'String methods': [`\${'say ""hi""'.length()}`, `\${"it''s".toUpperCase()}`],
  'comparisons and booleans': [`\${name matches 'svc-.*${'|zzzz'.repeat(200)}'}`],
  'multi-part templates': [`\${'${'x'.repeat(10_001)}'.length()} characters`],
};

export function generateCases(seed = SEED): DifferentialCase[] {
  const random = new Random(seed);
  const cases: DifferentialCase[] = [];
  for (const category of CATEGORIES) {
    const seen = new Set<string>();
    let attempts = 0;
    for (let index = 0; cases.filter((item) => item.category === category).length < PER_CATEGORY && attempts < PER_CATEGORY * 20; attempts++) {
      const id = `${category.replace(/[^A-Za-z]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}-${String(index + 1).padStart(2, '0')}`;
      if (category === 'chained variables') {
        const variables = random.pick(CHAINS)(random);
        const key = JSON.stringify(variables);
        if (seen.has(key)) continue;
        seen.add(key);
        cases.push({ id, category, variables });
      } else {
        const expr = random.pick(SHAPES[category])(random);
        if (seen.has(expr)) continue;
        seen.add(expr);
        cases.push({ id, category, expr });
      }
      index++;
    }
    (GAP_CASES[category] ?? []).forEach((expr, index) => {
      cases.push({ id: `${category.replace(/[^A-Za-z]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}-gap-${index + 1}`, category, expr });
    });
  }
  return cases;
}

export const CASES_FILE = join(__dirname, 'cases.json');

if (require.main === module && process.argv.includes('--write')) {
  writeFileSync(CASES_FILE, `${JSON.stringify(generateCases(), null, 1)}\n`);
  process.stdout.write(`wrote ${CASES_FILE}\n`);
}
