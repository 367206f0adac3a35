import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** What a test prints for each violation: enough to find the element and the fix. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in a real document: a Playwright page or frame, or a
 * puppeteer page (the popup). The source goes in through the DevTools
 * protocol's evaluate, which the extension pages' CSP does not block (a
 * script tag would be).
 */
export async function axeViolations(
  target: { evaluate(expression: string): Promise<unknown> },
  /** Only this part of the document (a CSS selector), without looking into its frames: for what Cadence adds to a web page. */
  only?: string,
): Promise<AxeViolation[]> {
  await target.evaluate(`${await axeSource};void 0`);
  const context = only === undefined ? 'document' : `{ include: [${JSON.stringify(only)}] }`;
  const options = `{ resultTypes: ['violations'], iframes: ${only === undefined} }`;
  return (await target.evaluate(`axe.run(${context}, ${options}).then((results) =>
    results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.join(' '),
        html: node.html.slice(0, 200),
        summary: node.failureSummary ?? '',
      })),
    })))`)) as AxeViolation[];
}

/** The violations a user of a screen reader or a keyboard is blocked by. */
export function seriousOrWorse(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n${violation.nodes
          .map((node) => `  ${node.target}\n    ${node.html}\n    ${node.summary.replace(/\n/g, '\n    ')}`)
          .join('\n')}`,
    )
    .join('\n');
}
