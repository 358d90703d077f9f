import { renderTable } from '../cli/table';
import type { DoctorReport } from './doctor';
import type { ImageDiagnosis } from './image';
import type { FindingStatus } from './findings';

const STATUS_TEXT: Record<FindingStatus, string> = { ok: 'ok', fail: 'FAIL', error: 'ERROR', skip: 'skip' };

/**
 * The table for people: one row per check, and under it each finding's fix in full (a command in
 * a table cell would be cut), numbered as the table's fix column says.
 */
export function renderDoctorReport(report: DoctorReport): string {
  const fixes: string[] = [];
  const rows = report.findings.map((finding) => {
    let reference = '';
    if (finding.fix !== undefined && finding.status !== 'ok') {
      fixes.push(`[${fixes.length + 1}] ${finding.region} ${finding.check}: ${finding.detail}\n    fix: ${finding.fix}`);
      reference = `[${fixes.length}]`;
    }
    return [finding.region, finding.check, STATUS_TEXT[finding.status], finding.detail, reference];
  });
  const { ok, fail, error, skip } = report.counts;
  const central = report.central ? `central mode: stack in ${report.central.region}, member role ${report.central.roleName}, bus ${report.central.bus}\n` : '';
  const summary = `${ok} ok, ${fail} to fix, ${error} could not be checked, ${skip} skipped (ami-tagger ${report.version}, stage ${report.stage}, ${report.regions.length} region(s))`;
  return [central + renderTable(['region', 'check', 'status', 'finding', 'fix'], rows), '', ...(fixes.length > 0 ? [...fixes, ''] : []), summary].join('\n');
}

const tagsText = (tags: Record<string, string>): string[][] => Object.entries(tags).map(([key, value]) => [key, value]);

/** `doctor --image`: one screen. */
export function renderImageDiagnosis(diagnosis: ImageDiagnosis, rulesFile: string): string {
  const image = diagnosis.image;
  const lines = [
    `${diagnosis.imageId} in ${diagnosis.account}/${diagnosis.region}${image ? `: ${image.name ?? '(no name)'} (${image.state ?? 'state unknown'}, created ${image.creationDate ?? '?'})` : ''}`,
    `${diagnosis.status === 'ok' ? 'OK' : 'FINDING'}: ${diagnosis.verdict}`,
  ];
  if (diagnosis.fix) lines.push(`  fix: ${diagnosis.fix}`);
  if (image) {
    const tags = tagsText(image.tags);
    lines.push('', `Tags now (${tags.length}):`, tags.length > 0 ? renderTable(['key', 'value'], tags) : '  none');
    const writes = Object.entries(diagnosis.wouldWrite).flatMap(([resource, tagList]) => tagList.map((tag) => [resource, tag.key, tag.value]));
    lines.push('', `The rules would write (dry run with ${rulesFile}; planned from ${diagnosis.plannedFrom}):`, writes.length > 0 ? renderTable(['resource', 'key', 'value'], writes) : '  nothing: every tag is there');
    if (diagnosis.skipped.length > 0) {
      lines.push('', 'Not written, and why:', renderTable(['resource', 'key', 'reason', 'detail'], diagnosis.skipped.map((skip) => [skip.resource, skip.key, skip.reason, skip.detail])));
    }
    lines.push('', `Events that reached the function (${diagnosis.logNote ?? 'its log'}):`);
    if (diagnosis.logLines === undefined) lines.push('  not known');
    else if (diagnosis.logLines.length === 0) lines.push('  none: no log line names this image');
    else lines.push(renderTable(['time', 'message', 'status', 'detail'], diagnosis.logLines.map((line) => [line.time, line.message, line.status ?? '', line.detail ?? ''])));
    lines.push('', 'Dead-letter queues (looked at, nothing taken):');
    if (diagnosis.queues.length === 0) lines.push('  not looked at: no stack here');
    for (const queue of diagnosis.queues) {
      const where = queue.error ? `could not look: ${queue.error}` : queue.messageIds.length > 0 ? `${queue.messageIds.length} message(s) about it: ${queue.messageIds.join(', ')}` : `not there (${queue.looked} message(s) looked at)`;
      lines.push(`  ${queue.queue}: ${where}`);
    }
  }
  for (const note of diagnosis.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
