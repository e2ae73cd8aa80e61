/**
 * The CLI's output formats. Field names are a public contract: users' CI
 * scripts parse them, so add fields, never rename or remove one.
 */
import type { CheckSummary } from '../check';
import type { RuleMeta } from '../ruleKit/types';
import type { PositionedProblem } from './located';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'junit';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'junit'];

export interface Report {
  /** The file as the user named it. */
  file: string;
  problems: PositionedProblem[];
  summary: CheckSummary & { durationMs?: number };
}

export function formatJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function formatText(report: Report): string {
  const lines: string[] = [];
  for (const p of report.problems) {
    lines.push(`${report.file}:${p.line}:${p.column}: ${p.severity} ${p.message} [${p.rule}] (${p.jsonPath})`);
  }
  const s = report.summary;
  lines.push(
    `${report.file}: ${s.images} images, ${s.annotations} annotations, ${s.categories} categories — ` +
      `${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info`,
  );
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function formatSarif(report: Report, rules: readonly RuleMeta[], toolVersion: string, fileUri: string): string {
  // Every rule goes in (not only the ones that fired) so code scanning can show their help.
  const ruleList = rules;
  const ruleIndex = new Map(ruleList.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Labelscope',
            version: toolVersion,
            informationUri: 'https://github.com/labelscope/labelscope',
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description} ${r.why}` },
              help: {
                text: `${r.why}${r.example ? `\nDefect: ${r.example.bad}${r.example.good ? `\nFixed: ${r.example.good}` : ''}` : ''}`,
                markdown: `${r.why}${r.example ? `\n\nDefect:\n\`\`\`json\n${r.example.bad}\n\`\`\`${r.example.good ? `\nFixed:\n\`\`\`json\n${r.example.good}\n\`\`\`` : ''}` : ''}`,
              },
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
            })),
          },
        },
        artifacts: [{ location: { uri: fileUri } }],
        // The file's kind (instances, captions, panoptic, results …) and how it was decided.
        properties: { kind: report.summary.kind, kindSource: report.summary.kindSource },
        results: report.problems.map((p) => ({
          ruleId: p.rule,
          ...(ruleIndex.has(p.rule) ? { ruleIndex: ruleIndex.get(p.rule) } : {}),
          level: SARIF_LEVEL[p.severity],
          message: { text: p.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: fileUri, index: 0 },
                region: { startLine: p.line, startColumn: p.column, endLine: p.endLine, endColumn: Math.max(p.endColumn, p.column + (p.endLine === p.line ? 1 : 0)) },
              },
              logicalLocations: [{ fullyQualifiedName: p.jsonPath, kind: 'element' }],
            },
          ],
          ...(p.related?.length
            ? {
                relatedLocations: p.related.map((r, i) => ({
                  id: i,
                  message: { text: r.message },
                  physicalLocation: { artifactLocation: { uri: fileUri, index: 0 }, region: { startLine: r.line, startColumn: r.column } },
                })),
              }
            : {}),
          partialFingerprints: { 'labelscope/v1': `${p.rule}:${p.jsonPath}` },
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters even escaped.
    // eslint-disable-next-line no-control-regex -- matching them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** One test case per rule that ran, failing with one <failure> line per problem of severity error. */
export function formatJunit(report: Report, rules: readonly RuleMeta[]): string {
  const byRule = new Map<string, PositionedProblem[]>();
  for (const p of report.problems) {
    const list = byRule.get(p.rule) ?? [];
    list.push(p);
    byRule.set(p.rule, list);
  }
  const ids = [...new Set([...rules.map((r) => r.id), ...byRule.keys()])];
  let failures = 0;
  const cases = ids.map((id) => {
    const problems = byRule.get(id) ?? [];
    const errors = problems.filter((p) => p.severity === 'error');
    const lines = problems.map((p) => `${report.file}:${p.line}:${p.column} ${p.severity}: ${p.message} (${p.jsonPath})`).join('\n');
    if (errors.length > 0) {
      failures++;
      return `    <testcase classname="labelscope.${xmlEscape(report.file)}" name="${xmlEscape(id)}">\n      <failure message="${errors.length} error(s)" type="${xmlEscape(id)}">${xmlEscape(lines)}</failure>\n    </testcase>`;
    }
    return `    <testcase classname="labelscope.${xmlEscape(report.file)}" name="${xmlEscape(id)}">${problems.length ? `\n      <system-out>${xmlEscape(lines)}</system-out>\n    ` : ''}</testcase>`;
  });
  const time = ((report.summary.durationMs ?? 0) / 1000).toFixed(3);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="labelscope" tests="${ids.length}" failures="${failures}" errors="0" time="${time}">\n` +
    `  <testsuite name="${xmlEscape(report.file)}" tests="${ids.length}" failures="${failures}" errors="0" skipped="0" time="${time}">\n` +
    cases.join('\n') +
    `\n  </testsuite>\n</testsuites>\n`
  );
}
