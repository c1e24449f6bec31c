// A process that emits one fake report through emitReport, for the unit test
// of several --output files: its stdout and stderr are the terminal, colour
// is on, and the text renderer uses the terminal's chalk as the real ones do.
// Usage: emit-report.ts <format> [output path…]; what emitReport returned is
// the last line on stderr.
import { emitReport, type ReportFormat, type Renderers } from '../../src/commands/report-output.js';
import { out } from '../../src/render/style.js';

interface Fake {
  verdict: string;
}

const renderers: Renderers<Fake> = {
  text: (report) => `${out.green(report.verdict)} (text)\n`,
  markdown: (report) => `### \`${report.verdict}\`\n`,
  json: (report) => `${JSON.stringify({ verdict: report.verdict })}\n`,
};

const [format, ...paths] = process.argv.slice(2);
out.level = 3;
const delivery = await emitReport(
  { verdict: 'not-affected' },
  renderers,
  format as ReportFormat,
  paths.map((path) => ({ path })),
);
if (out.level !== 3) throw new Error('the terminal lost its colour');
process.stderr.write(`RESULT ${JSON.stringify(delivery)}\n`);
