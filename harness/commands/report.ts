// `vharness report RUN_DIR`: the run's report as HTML (charts), Markdown, CSV or JSON.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { ExitCode, UsageError } from '../errors.js';
import { renderCsv } from '../report/csv.js';
import { renderRunHtml, writeHtmlReport } from '../report/html.js';
import { reportJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { openFile } from '../report/open-file.js';
import { loadRun, type LoadedRun } from '../results/run-reader.js';

const usage = `usage: vharness report RUN_DIR [--format html|md|csv|json] [--out FILE] [--open]

Renders the report of a run directory (results/<run-id>).
  --format F   html (default): RUN_DIR/report.html with the figures as charts, self-contained;
               md: Markdown for pasting into issues; csv: one row per cell; json: figures and facts
  --out FILE   write there instead (html) or instead of stdout (md, csv, json)
  --open       open the HTML report with xdg-open when installed, else print its path
`;

const formats = {
  md: (run: LoadedRun) => renderMarkdown(run),
  csv: (run: LoadedRun) => renderCsv(run.summary),
  json: (run: LoadedRun) => `${JSON.stringify(reportJson(run), null, 2)}\n`,
} as const;

type Format = 'html' | keyof typeof formats;

function isFormat(value: string): value is Format {
  return value === 'html' || value in formats;
}

export const command: Command = {
  summary: 'render a run as HTML with charts, Markdown, CSV or JSON',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { format: { type: 'string' }, out: { type: 'string' }, open: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`Expected one RUN_DIR, got ${positionals.length}`, { hint: usage.split('\n')[0] });
    const runDir = positionals[0] as string;
    const format = values.format ?? 'html';
    if (!isFormat(format)) throw new UsageError(`Expected --format to be one of html, md, csv, json, got '${format}'`);
    if (values.open && format !== 'html') throw new UsageError('--open works with --format html only');
    if (format === 'html') {
      let file: string;
      if (values.out === undefined) {
        file = await writeHtmlReport(runDir);
      } else {
        file = resolve(values.out);
        await writeFile(file, await renderRunHtml(await loadRun(runDir)));
      }
      if (values.open && (await openFile(file))) process.stderr.write(`opening ${file}\n`);
      process.stdout.write(`${file}\n`);
      return ExitCode.ok;
    }
    const text = formats[format](await loadRun(runDir));
    if (values.out === undefined) process.stdout.write(text);
    else await writeFile(resolve(values.out), text);
    return ExitCode.ok;
  },
};
