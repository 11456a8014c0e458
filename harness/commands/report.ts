// `vharness report RUN_DIR`: the run's report as HTML (charts), Markdown, CSV or JSON.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { renderCsv } from '../report/csv.js';
import { renderRunHtml, writeHtmlReport } from '../report/html.js';
import { reportJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { openFile } from '../report/open-file.js';
import { loadRun, type LoadedRun } from '../results/run-reader.js';
import { damagedRunDirExit, resultsDirFlag, runDirOf } from './run-dir-arg.js';

const formats = {
  md: (run: LoadedRun) => renderMarkdown(run),
  csv: (run: LoadedRun) => renderCsv(run.summary),
  json: (run: LoadedRun) => `${JSON.stringify(reportJson(run), null, 2)}\n`,
} as const;

type Format = 'html' | keyof typeof formats;

function isFormat(value: string): value is Format {
  return value === 'html' || value in formats;
}

export const command = defineCommand({
  args: 'RUN',
  description: `Renders the report of a run: RUN is its directory (results/<run-id>) or its run id.
html (default) writes RUN/report.html with the figures as charts, self-contained; md is
Markdown for pasting into issues; csv one row per cell; json the figures and facts.`,
  flags: {
    format: { type: 'string', arg: 'F', choices: ['html', 'md', 'csv', 'json'], help: 'html (default), md, csv or json' },
    out: { type: 'string', arg: 'FILE', file: true, help: 'write there instead (html) or instead of stdout (md, csv, json)' },
    open: { type: 'boolean', help: 'open the HTML report with xdg-open when installed, else print its path' },
    'results-dir': resultsDirFlag,
  },
  examples: [
    { command: 'vharness report results/20260101-120000-ab12 --open', says: 'write report.html and open it' },
    { command: 'vharness report 20260101-120000-ab12 --format md > run.md', says: 'the tables as Markdown, the run named by its id' },
    { command: 'vharness report results/20260101-120000-ab12 --format csv --out cells.csv', says: 'one row per cell' },
  ],
  exits: [ExitCode.ok, [ExitCode.usage, 'bad flag, or RUN is not a run directory or id'], damagedRunDirExit, ExitCode.failure],
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError(`Expected one RUN_DIR (a run directory or run id), got ${positionals.length}`);
    const runDir = await runDirOf(positionals[0] as string, values['results-dir']);
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
});
