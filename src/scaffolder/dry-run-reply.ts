/** A dry run's result as a neutral Reply: steps (run or skipped), files with sizes, catalog files in full, outputs. */
import type { Reply, RichText, Section } from '../reply/reply.js';
import type { DryRunResult } from './dry-run.js';

const ICON = { open: '○', processing: '…', completed: '✓', skipped: '–', failed: '✗' } as const;
const SHOWN_FILES = 50;

export function sizeOf(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function dryRunReply(title: string, result: DryRunResult): Reply {
  const failed = result.status === 'failed';
  const sections: Section[] = [
    { text: [failed ? 'The dry run stopped: nothing was published.' : 'Nothing was published: this is what creating would do.'] },
    {
      title: 'Steps',
      list: result.steps.map((s) => ({
        text: [`${ICON[s.status]} ${s.name} (${s.action})${result.skipped.some((k) => k.id === s.id) ? ' — skipped: does not support dry run' : s.status === 'skipped' ? ' — skipped' : ''}`],
        ...(s.error ? { detail: [s.error] } : {}),
      })),
    },
  ];
  if (result.error) sections.push({ text: [result.error] });
  sections.push({
    title: `Files (${result.files.length})`,
    ...(result.files.length === 0 ? { text: ['No files were written.'] } : {}),
    list: result.files.slice(0, SHOWN_FILES).map((f) => ({ text: [{ type: 'code', text: f.path }, ` ${sizeOf(f.size)}`] })),
    ...(result.files.length > SHOWN_FILES ? { more: { count: result.files.length - SHOWN_FILES } } : {}),
  });
  for (const file of result.files) if (file.content !== undefined) sections.push({ title: file.path, text: [{ type: 'code', text: file.content }] });
  const links = (result.outputs?.links ?? []).map((l): RichText => [`${l.title ?? 'Link'}: ${l.url ?? l.entityRef ?? ''}`]);
  const texts = (result.outputs?.text ?? []).filter((t) => t.content).map((t): RichText => [`${t.title ?? 'Output'}: ${t.content}`]);
  if (links.length + texts.length > 0) sections.push({ title: 'Outputs', list: [...links, ...texts].map((text) => ({ text })) });
  return {
    summary: `${title}: dry run ${failed ? 'failed' : 'done'} — ${result.files.length} file(s), ${result.skipped.length} step(s) skipped`,
    header: `${title} — dry run`,
    sections,
    ...(failed ? { isError: true } : {}),
  };
}
