// HTML building blocks of the reports: escaping, tables, and the self-contained page shell
// (inline CSS, a CSP that forbids every fetch, so the file works offline and leaks nothing).
import type { TextTable } from './figures.js';

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A table with a header row; `className` is added to the table element. */
export function htmlTable(table: TextTable, className = 'numbers'): string {
  const head = `<tr>${table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${escapeHtml(className)}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

const css = `
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:1500px;padding:0 1rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.sub{color:#666;margin-top:0}
section.figure{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start;margin:1rem 0 2rem}
section.figure>header{flex-basis:100%}
.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.8rem}th,td{border:1px solid #ddd;padding:.15rem .4rem;text-align:left}
th{background:#f4f4f4}td{font-variant-numeric:tabular-nums}
.ratios{font-size:.9rem}.ratios .note{color:#666;font-size:.8rem}
.empty{color:#777;font-style:italic}.bad{color:#b00}.warn{color:#a60}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;font-size:.9rem}dl.facts dt{font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
`;

/** A complete, self-contained HTML document. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
