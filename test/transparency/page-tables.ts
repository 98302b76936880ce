/** Reads the figure tables of a transparency or dashboard page (server HTML, one table per section). */
export interface PageTable {
  headers: string[];
  rows: string[][];
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const cellsOf = (html: string, tag: 'th' | 't[hd]') => [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</(?:th|td)>`, 'g'))].map((m) => decode(m[1]!.trim()));

export function pageTable(html: string, id: string): PageTable {
  const match = new RegExp(`<table data-table="${id}">([\\s\\S]*?)</table>`).exec(html);
  if (!match) throw new Error(`no table ${id} on the page`);
  const [head, body] = match[1]!.split('<tbody>') as [string, string];
  const headers = cellsOf(head.split('<thead>')[1] ?? head, 'th');
  const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cellsOf(m[1]!, 't[hd]'));
  return { headers, rows };
}

/** The `<svg>` drawn for a section. */
export function sectionSvg(html: string, id: string): string {
  const match = new RegExp(`<figure class="chart" data-chart="${id}"[^>]*>([\\s\\S]*?)</figure>`).exec(html);
  if (!match) throw new Error(`no chart ${id} on the page`);
  return match[1]!;
}
