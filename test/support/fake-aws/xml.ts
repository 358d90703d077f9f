/**
 * Just enough XML writing for query-protocol responses: escaped text, elements, and EC2's
 * `<xSet><item>…</item></xSet>` lists. Hand-written because the shapes are few and fixed.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A bare CR would be normalised to LF by the SDK's parser; the entity keeps it.
  '\r': '&#13;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (char) => ESCAPES[char] ?? char);
}

/** `<name>value</name>`, or nothing when the value is absent (EC2 leaves out empty fields). */
export function leaf(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>…</name>` around already-written children. */
export function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** An EC2 list: `<name><item>…</item>…</name>`. */
export function itemList<T>(name: string, entries: readonly T[], write: (entry: T) => string): string {
  return node(name, ...entries.map((entry) => node('item', write(entry))));
}

/** A whole response document with its namespace. */
export function xmlDocument(root: string, namespace: string | undefined, body: string): string {
  const xmlns = namespace ? ` xmlns="${escapeXml(namespace)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${body}</${root}>`;
}
