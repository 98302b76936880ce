/**
 * Lists the arguments an ICU message uses, so the flow engine sends only the parameters a
 * prompt needs (never a DNI to a message that does not show it) and the flow checker can
 * report a prompt that needs a value no step provides.
 */
import { IntlMessageFormat } from 'intl-messageformat';

interface AstNode {
  type: number;
  value?: unknown;
  options?: Record<string, { value: AstNode[] }>;
  children?: AstNode[];
}

/** ICU AST element types that carry an argument name in `value` (argument, number, date, time, select, plural). */
const ARGUMENT_TYPES = new Set([1, 2, 3, 4, 5, 6]);

function walk(nodes: AstNode[], out: Set<string>): void {
  for (const node of nodes) {
    if (ARGUMENT_TYPES.has(node.type) && typeof node.value === 'string') out.add(node.value);
    if (node.options) for (const option of Object.values(node.options)) walk(option.value, out);
    if (node.children) walk(node.children, out);
  }
}

/** @example collectArgumentNames('Código {reference}: {status, select, open {abierto} other {}}') → ['reference', 'status'] */
export function collectArgumentNames(message: string): string[] {
  const out = new Set<string>();
  walk(new IntlMessageFormat(message, 'es').getAst() as unknown as AstNode[], out);
  return [...out].sort();
}

/** The select/plural option names each argument accepts, e.g. `{ status: ['open', 'other'] }`. */
export function collectSelectOptions(message: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const visit = (nodes: AstNode[]): void => {
    for (const node of nodes) {
      if (node.type === 5 && typeof node.value === 'string' && node.options) {
        out[node.value] = [...new Set([...(out[node.value] ?? []), ...Object.keys(node.options)])];
      }
      if (node.options) for (const option of Object.values(node.options)) visit(option.value);
      if (node.children) visit(node.children);
    }
  };
  visit(new IntlMessageFormat(message, 'es').getAst() as unknown as AstNode[]);
  return out;
}

/** The plural selectors a message uses, e.g. `['=0', '=1', 'other']`; Quechua may use only these. */
export function collectPluralSelectors(message: string): string[] {
  const out = new Set<string>();
  const visit = (nodes: AstNode[]): void => {
    for (const node of nodes) {
      if (node.type === 6 && node.options) Object.keys(node.options).forEach((k) => out.add(k));
      if (node.options) for (const option of Object.values(node.options)) visit(option.value);
      if (node.children) visit(node.children);
    }
  };
  visit(new IntlMessageFormat(message, 'es').getAst() as unknown as AstNode[]);
  return [...out].sort();
}
