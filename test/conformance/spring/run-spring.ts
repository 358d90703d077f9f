import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs Spring's own SpEL, set up like Orca (OrcaSpel.java), once for a whole batch of runs: one
 * JVM start for every expression. Needs a JDK and Debian's Spring and Jackson jars
 * (test/conformance/spring/install-deps.sh).
 */

export const JARS = [
  '/usr/share/maven-repo/org/springframework/spring-expression/debian/spring-expression-debian.jar',
  '/usr/share/maven-repo/org/springframework/spring-core/debian/spring-core-debian.jar',
  '/usr/share/java/commons-logging.jar',
  '/usr/share/java/jackson-databind.jar',
  '/usr/share/java/jackson-core.jar',
  '/usr/share/java/jackson-annotations.jar',
];
const SOURCE = join(__dirname, 'OrcaSpel.java');
export const INSTALL_HINT = 'run test/conformance/spring/install-deps.sh (installs a JDK, Spring expression and Jackson from Debian)';

/**
 * Spring 4.3 calls a collection's methods through the class of the object (`HashMap$KeySet`),
 * which JDK 17 refuses without this; Spring 5.3 goes through the public interface
 * (ClassUtils.getInterfaceMethodIfPossible), so Orca needs no flag.
 */
const JVM_FLAGS = ['--add-opens', 'java.base/java.util=ALL-UNNAMED', '-Dfile.encoding=UTF-8', '-Xss8m'];

export interface SpringStep {
  id: string;
  text: unknown;
  storeAs?: string;
}

export interface SpringRun {
  execution: Record<string, unknown>;
  /** The stage whose context is the root object (Orca's StageContext); none: execution and trigger only. */
  stageRefId?: string;
  steps: SpringStep[];
}

export interface SpringResult {
  id: string;
  status: 'ok' | 'null' | 'failed';
  /** The value as Jackson writes it; null where Jackson cannot. */
  json: string | null;
  /** The Java class of the value (List, Map, String[] for collections and arrays). */
  type?: string;
  reason?: string;
}

function hasCommand(command: string): boolean {
  try {
    execFileSync(command, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class SpringHarness {
  private readonly workDir = mkdtempSync(join(tmpdir(), 'ami-tagger-spring-'));
  private compiled = false;

  /** Compiles OrcaSpel.java, or says what is missing. */
  compile(): void {
    if (this.compiled) return;
    const missing = [...(hasCommand('javac') ? [] : ['javac']), ...(hasCommand('java') ? [] : ['java']), ...JARS.filter((jar) => !existsSync(jar))];
    if (missing.length > 0) throw new Error(`Java or Spring is missing (${missing.join(', ')}): ${INSTALL_HINT}`);
    execFileSync('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', JARS.join(':'), '-d', this.workDir, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.compiled = true;
  }

  run(runs: readonly SpringRun[]): SpringResult[][] {
    this.compile();
    const input = join(this.workDir, `input-${Date.now()}.json`);
    writeFileSync(input, JSON.stringify(runs));
    const output = execFileSync('java', [...JVM_FLAGS, '-cp', `${this.workDir}:${JARS.join(':')}`, 'OrcaSpel', input], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return JSON.parse(output) as SpringResult[][];
  }

  dispose(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
