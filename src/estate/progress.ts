import { Presets, SingleBar } from 'cli-progress';
import type { BackfillEvent } from './backfill';

/**
 * The progress bar a person sees on a terminal: images done out of images found so far (the total
 * grows as each account-region is scanned), with tags written and failures alongside. Drawn on
 * standard error, so standard output stays the report. Only on a terminal: in a pipe or a log it
 * would be noise.
 */
export interface Progress {
  onEvent(event: BackfillEvent): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { onEvent: () => undefined, stop: () => undefined };

export function terminalProgress(stream: NodeJS.WriteStream, dryRun: boolean): Progress {
  const bar = new SingleBar(
    {
      stream,
      format: `${dryRun ? 'planning' : 'tagging'} {bar} {value}/{total} images | {written} resources written | {failed} failed | {targets} account-regions`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 100,
    },
    Presets.shades_classic,
  );
  let total = 0;
  let done = 0;
  const payload = { written: 0, failed: 0, targets: 0 };
  bar.start(0, 0, payload);
  return {
    onEvent(event) {
      switch (event.kind) {
        case 'discovered':
          total += event.images;
          payload.targets += 1;
          bar.setTotal(total);
          break;
        case 'image':
          done += 1;
          if (event.result.status === 'failed') payload.failed += 1;
          break;
        case 'written':
          payload.written += event.resources;
          break;
        case 'target-failed':
          payload.failed += 1;
          break;
        case 'warning':
          break;
      }
      bar.update(done, payload);
    },
    stop() {
      bar.stop();
    },
  };
}
