import { isRecord, ownValue, stringField } from './json';

/**
 * The stages of a pipeline (or an execution) and how they depend on each other through
 * `requisiteStageRefIds`. Orca starts a stage only after all its requisites finished, so a
 * stage may read the outputs of its ancestors and of nothing else.
 */

export interface StageRef {
  name: string;
  refId: string;
}

export class PipelineGraph {
  readonly stages: ReadonlyArray<Record<string, unknown>>;

  constructor(stages: ReadonlyArray<Record<string, unknown>>) {
    this.stages = stages;
  }

  static of(value: unknown): PipelineGraph {
    const stages = isRecord(value) ? ownValue(value, 'stages') : value;
    return new PipelineGraph(Array.isArray(stages) ? stages.filter(isRecord) : []);
  }

  byRefId(refId: string): Record<string, unknown> | undefined {
    return this.stages.find((stage) => stringField(stage, 'refId') === refId);
  }

  /** Stages `#stage('X')` could mean: Orca matches the name or the id, first match wins. */
  byNameOrId(id: string): Array<Record<string, unknown>> {
    return this.stages.filter((stage) => stringField(stage, 'name') === id || stringField(stage, 'id') === id);
  }

  /** All stages the given one waits for, nearest first (requisites, their requisites, ...). */
  ancestors(stage: Record<string, unknown>): Array<Record<string, unknown>> {
    const found: Array<Record<string, unknown>> = [];
    const seen = new Set<string>();
    let frontier = requisitesOf(stage);
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const refId of frontier) {
        if (seen.has(refId)) continue;
        seen.add(refId);
        const ancestor = this.byRefId(refId);
        if (ancestor === undefined) continue;
        found.push(ancestor);
        next.push(...requisitesOf(ancestor));
      }
      frontier = next;
    }
    return found;
  }

  isAncestor(ancestor: Record<string, unknown>, of: Record<string, unknown>): boolean {
    return this.ancestors(of).includes(ancestor);
  }
}

export function requisitesOf(stage: Record<string, unknown>): string[] {
  const requisites = ownValue(stage, 'requisiteStageRefIds');
  return Array.isArray(requisites) ? requisites.map((item) => String(item)) : [];
}

export function stageRef(stage: Record<string, unknown>): StageRef {
  return { name: stringField(stage, 'name') ?? '(unnamed)', refId: String(ownValue(stage, 'refId') ?? '(no refId)') };
}

/**
 * The stage's own context. In a pipeline definition the stage object is its context; in an
 * execution the stage carries it under `context` next to its `status`.
 */
export function stageContext(stage: Record<string, unknown>): Record<string, unknown> {
  const context = ownValue(stage, 'context');
  return isRecord(context) && ownValue(stage, 'status') !== undefined ? context : stage;
}

/** The regions a bake stage bakes in (`regions`, or a single `region`), if it says. */
export function bakeRegions(stage: Record<string, unknown>): string[] | undefined {
  for (const holder of [stage, stageContext(stage)]) {
    const regions = ownValue(holder, 'regions');
    if (Array.isArray(regions)) return regions.map((region) => String(region));
    const region = ownValue(holder, 'region');
    if (typeof region === 'string') return [region];
  }
  return undefined;
}

export function isBakeStage(stage: Record<string, unknown>): boolean {
  return stringField(stage, 'type') === 'bake' && ownValue(stage, 'parentStageId') === undefined;
}
