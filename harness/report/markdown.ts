// The run report as Markdown, for pasting into issues: each figure's numbers and ratios,
// then the run facts. Same content as report.html, minus the charts.
import { buildFigures, type TextTable } from './figures.js';
import { modelTitle, runFacts } from './run-facts.js';
import { STUDY_CITATION } from './study.js';
import type { LoadedRun } from '../results/run-reader.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(table: TextTable): string {
  const lines = [`| ${table.headers.map(cell).join(' | ')} |`, `|${table.headers.map(() => '---').join('|')}|`];
  for (const row of table.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** The Markdown report of a loaded run. */
export function renderMarkdown(run: LoadedRun): string {
  const { summary, manifest } = run;
  const facts = runFacts(summary, manifest);
  const c = facts.counts;
  const out: string[] = [`# vharness report: ${summary.run_id}`, '', `Inference of ${modelTitle(summary.model.arch)}, fp32 vs int8, VMs vs bare metal. ${c.cells} cells: ${c.valid} VALID, ${c.invalid} INVALID, ${c.noisy} NOISY, ${c.failed} FAILED.`, '', STUDY_CITATION, ''];
  for (const figure of buildFigures(summary)) {
    out.push(`## ${figure.title} (${figure.paper})`, '');
    if (figure.cells === 0) {
      out.push(`_Not in this run (no ${figure.workload} cells)._`, '');
      continue;
    }
    out.push(markdownTable(figure.table), '');
    for (const r of figure.ratios) out.push(`- ${r.label}: ${r.emphasized ? `**${r.text}**` : r.text}${r.note === undefined ? '' : ` (${r.note})`}`);
    if (figure.ratios.length > 0) out.push('');
  }
  out.push('## Run', '');
  for (const [k, v] of facts.run) out.push(`- ${k}: ${v}`);
  out.push('', '## Hosts', '');
  out.push(facts.missingManifest ? '_manifest.json is missing: host facts unknown._' : facts.hosts.rows.length === 0 ? '_No host facts recorded._' : markdownTable(facts.hosts));
  out.push('', '## Failed cells', '');
  if (facts.failed.length === 0) out.push('None.');
  for (const f of facts.failed) {
    out.push(`- \`${f.key}\`: ${f.reason}`);
    for (const i of f.instances) out.push(`  - ${i}`);
  }
  const flagged = facts.validity.rows.filter((r) => r[1] !== 'VALID');
  out.push('', '## Validity', '', flagged.length === 0 ? 'Every cell is VALID.' : markdownTable({ headers: facts.validity.headers, rows: flagged }));
  if (facts.notes.length > 0) out.push('', '## Notes', '', ...facts.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}
