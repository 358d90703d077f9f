/**
 * SpEL string literals. Inside single quotes a quote is written twice (`'Bake ''prod'''`);
 * nothing else is escaped, so any stage name can be written this way.
 */
export function spelStringLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Reads back one literal written by spelStringLiteral; undefined if `literal` is not exactly one literal. */
export function readSpelStringLiteral(literal: string): string | undefined {
  if (literal.length < 2 || !literal.startsWith("'") || !literal.endsWith("'")) return undefined;
  const body = literal.slice(1, -1);
  if (body.replaceAll("''", '').includes("'")) return undefined;
  return body.replaceAll("''", "'");
}
