/** JSON values as read from pipeline and execution files, and the narrowing the spel modules share. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A plain object (a JSON map), not a list and not null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: a map key named `constructor` or `__proto__` must not reach the prototype. */
export function ownValue(map: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

export function stringField(map: Record<string, unknown>, key: string): string | undefined {
  const value = ownValue(map, key);
  return typeof value === 'string' ? value : undefined;
}

/** A JSON path segment list rendered the way the reports show it: `variables[0].value`, `payload.images[1]`. */
export function renderPath(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text === '' ? '(whole value)' : text;
}

/** Every string inside a JSON value, with its path; keys are not visited. */
export function* stringsIn(value: unknown, path: Array<string | number> = []): Generator<{ path: Array<string | number>; text: string }> {
  if (typeof value === 'string') {
    yield { path, text: value };
  } else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) yield* stringsIn(value[index], [...path, index]);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key]);
  }
}
