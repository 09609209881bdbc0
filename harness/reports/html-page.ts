// The frame of every HTML report: one self-contained file (inline CSS and script, nothing
// fetched), readable without JavaScript; the script only adds conveniences.
import { escapeMarkup as h } from './markup.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 78rem; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ccc; padding: .25rem .55rem; text-align: left; vertical-align: top; }
thead th { background: #f3f3f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; } .counts, .time { display: block; font-size: .85em; color: #555; }
.PASS, .OK, .yes { background: #e3f6e5; } .FAIL, .CRASH, .FAILS-TO-LOAD, .no { background: #fde2e1; }
.ERROR, .DEGRADED, .partial { background: #fbeed5; } .TIMEOUT { background: #fff5c2; } .SKIP { background: #eee; color: #666; }
.tone-pass { background: #e3f6e5; } .tone-expected { background: #e4eef8; } .tone-regression { background: #fde2e1; }
.tone-unexpected { background: #f6e1f6; } .tone-flaky { background: #fff5c2; } .tone-skip { background: #eee; color: #666; }
pre { background: #f7f7f9; border: 1px solid #e2e2e6; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
details { margin: .4rem 0; } summary { cursor: pointer; font-weight: 600; }
dl.env { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dl.env dt { font-weight: 600; }
nav a { margin-right: 1rem; } .note { color: #555; }
`;

// Conveniences only: expand or collapse every <details>, and a filter for long tables.
const SCRIPT = `
document.querySelectorAll('[data-toggle-details]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', () => {
    const open = button.getAttribute('data-toggle-details') === 'open';
    document.querySelectorAll('details').forEach((d) => { d.open = open; });
  });
});
document.querySelectorAll('input[data-filter]').forEach((input) => {
  input.hidden = false;
  const rows = document.querySelectorAll('#' + input.getAttribute('data-filter') + ' tbody tr');
  input.addEventListener('input', () => {
    const q = input.value.toLowerCase();
    rows.forEach((r) => { r.hidden = q !== '' && !r.textContent.toLowerCase().includes(q); });
  });
});
`;

export function htmlPage(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A class name for a status such as "FAILS TO LOAD". */
export function statusClass(status: string): string {
  return status.replace(/[^A-Za-z0-9]+/g, '-');
}

/** Buttons that only work with JavaScript start hidden, so a page without it shows none. */
export function detailsButtons(): string {
  return '<p><button type="button" hidden data-toggle-details="open">Expand all</button> ' +
    '<button type="button" hidden data-toggle-details="close">Collapse all</button></p>';
}
