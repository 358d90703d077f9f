/**
 * What the code can ask of AWS, read from the source: every `new XxxCommand(...)` of an AWS SDK v3
 * client (imported statically, or with `await import('@aws-sdk/client-...')`), as an IAM action
 * `service:Xxx`, and every `new XxxClient(...)` with the options it is made with. Read with the
 * TypeScript parser, so comments and strings do not count and renamed imports do. Each command
 * says whether a Lambda handler can reach it (through relative imports from handlers/*.ts): those
 * run with the stack's roles; the others only in the CLI, with the caller's own credentials.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const REPO_DIR = path.resolve(__dirname, '..', '..');
/** The code that runs in the functions or the CLI; tests and scripts are not shipped. */
export const SHIPPED_DIRS = ['src', 'handlers'];

/** The IAM service prefix of each AWS SDK client package the code uses. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-cloudformation': 'cloudformation',
  '@aws-sdk/client-cloudtrail': 'cloudtrail',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
};

export interface CommandUse {
  /** `ec2:CreateTags` */
  action: string;
  /** `src/aws/ec2.ts:83` */
  where: string;
  /** A Lambda handler imports this file, directly or not: the stack's roles must grant the action. */
  inFunctions: boolean;
}

export interface ClientConstruction {
  client: string;
  where: string;
  /** The options argument as written, e.g. `{ region, ...clientDefaults(this.access.tuning) }`. */
  options: string;
}

export interface CodeScan {
  commands: CommandUse[];
  clients: ClientConstruction[];
  /** Things the scan cannot map to an action; a test expects none. */
  unknown: string[];
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Local name -> package, for the names a file imports from @aws-sdk/* (statically or dynamically). */
function sdkImports(source: ts.SourceFile): Map<string, { name: string; packageName: string }> {
  const imported = new Map<string, { name: string; packageName: string }>();
  const bind = (pattern: ts.ObjectBindingPattern, packageName: string): void => {
    for (const element of pattern.elements) {
      if (!ts.isIdentifier(element.name)) continue;
      const original = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
      imported.set(element.name.text, { name: original, packageName });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('@aws-sdk/')) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) imported.set(element.name.text, { name: (element.propertyName ?? element.name).text, packageName: node.moduleSpecifier.text });
      }
    }
    // const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
      const call = ts.isAwaitExpression(node.initializer) ? node.initializer.expression : node.initializer;
      const packageName = dynamicImportOf(call);
      if (packageName) bind(node.name, packageName);
    }
    // import('@aws-sdk/client-sts').then(({ STSClient, GetCallerIdentityCommand }) => ...)
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'then') {
      const packageName = dynamicImportOf(node.expression.expression);
      const [callback] = node.arguments;
      const parameter = callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) ? callback.parameters[0] : undefined;
      if (packageName && parameter && ts.isObjectBindingPattern(parameter.name)) bind(parameter.name, packageName);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return imported;
}

/** The package of `import('@aws-sdk/...')`, when `node` is that call. */
function dynamicImportOf(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
  const [specifier] = node.arguments;
  return specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('@aws-sdk/') ? specifier.text : undefined;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** The files a module imports with relative specifiers (static, re-exports, dynamic), resolved to .ts files. */
function relativeImports(source: ts.SourceFile): string[] {
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specifiers.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const base = path.resolve(path.dirname(source.fileName), specifier.replace(/\.js$/, ''));
      return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate)) ?? `${base}.ts`;
    });
}

/** Every source file a Lambda handler (handlers/*.ts) reaches through relative imports. */
export function filesInFunctions(): Set<string> {
  return filesReachedFrom(sourceFiles(path.join(REPO_DIR, 'handlers')));
}

/** Every source file these files reach through relative imports (absolute paths), themselves included. */
export function filesReachedFrom(entries: readonly string[]): Set<string> {
  const reached = new Set<string>();
  const pending = [...entries];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file) || !existsSync(file)) continue;
    reached.add(file);
    pending.push(...relativeImports(parse(file)));
  }
  return reached;
}

/** Scans src/ and handlers/ for the AWS commands the code can send and the clients it makes. */
export function scanCode(): CodeScan {
  const scan: CodeScan = { commands: [], clients: [], unknown: [] };
  const inFunctions = filesInFunctions();
  for (const file of SHIPPED_DIRS.flatMap((directory) => sourceFiles(path.join(REPO_DIR, directory)))) {
    const source = parse(file);
    const imported = sdkImports(source);
    const relative = path.relative(REPO_DIR, file);
    const at = (node: ts.Node): string => `${relative}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    for (const [local, { name, packageName }] of imported) {
      // Paginators and waiters send commands without a `new` in this code.
      if (/^(paginate|waitFor|waitUntil)/.test(name)) scan.unknown.push(`${relative}: ${local} from ${packageName} sends commands the scan does not see`);
    }
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const origin = imported.get(node.expression.text);
        if (origin) {
          const service = SERVICE_OF_PACKAGE[origin.packageName];
          if (origin.name.endsWith('Command')) {
            if (service) scan.commands.push({ action: `${service}:${origin.name.slice(0, -'Command'.length)}`, where: at(node), inFunctions: inFunctions.has(file) });
            else scan.unknown.push(`${at(node)}: ${origin.name} from ${origin.packageName}, a package without a known IAM service prefix`);
          } else if (origin.name.endsWith('Client')) {
            scan.clients.push({ client: origin.name, where: at(node), options: node.arguments?.[0]?.getText(source) ?? '' });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return scan;
}
