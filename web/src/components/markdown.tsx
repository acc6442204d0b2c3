// A small Markdown renderer for the documents this project writes itself (the model cards):
// headings, paragraphs, bullet lists, tables, **bold**, `code` and [links](url). It builds React
// elements, never HTML strings, so nothing in a document can inject markup.
import type { ReactNode } from 'react';

export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] };

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());

/** The blocks of a Markdown text (the subset above; anything else is a paragraph). */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (line.trim() === '') {
      index += 1;
    } else if (heading) {
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2].trim() });
      index += 1;
    } else if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (index < lines.length && /^\s*[-*]\s+/.test(lines[index])) {
        let item = lines[index].replace(/^\s*[-*]\s+/, '');
        index += 1;
        // Continuation lines of the same item.
        while (index < lines.length && /^\s{2,}\S/.test(lines[index]) && !/^\s*[-*]\s+/.test(lines[index])) {
          item += ' ' + lines[index].trim();
          index += 1;
        }
        items.push(item);
      }
      blocks.push({ kind: 'list', items });
    } else if (line.trim().startsWith('|') && index + 1 < lines.length && /^\s*\|?\s*:?-{3,}/.test(lines[index + 1])) {
      const header = cells(line);
      const rows: string[][] = [];
      index += 2;
      while (index < lines.length && lines[index].trim().startsWith('|')) {
        rows.push(cells(lines[index]));
        index += 1;
      }
      blocks.push({ kind: 'table', header, rows });
    } else {
      const parts: string[] = [];
      while (
        index < lines.length &&
        lines[index].trim() !== '' &&
        !/^#{1,6}\s/.test(lines[index]) &&
        !/^\s*[-*]\s+/.test(lines[index]) &&
        !lines[index].trim().startsWith('|')
      ) {
        parts.push(lines[index].trim());
        index += 1;
      }
      blocks.push({ kind: 'paragraph', text: parts.join(' ') });
    }
  }
  return blocks;
}

/** Inline Markdown: **bold**, `code` and [text](url) (http(s) and same-site links only). */
export function Inline({ text }: { text: string }) {
  const out: ReactNode[] = [];
  const pattern = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let key = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    if (match[1] !== undefined) out.push(<strong key={key++}>{match[1]}</strong>);
    else if (match[2] !== undefined) out.push(<code key={key++}>{match[2]}</code>);
    else if (/^(https?:\/\/|\/)/.test(match[4])) {
      out.push(
        <a key={key++} href={match[4]}>
          {match[3]}
        </a>,
      );
    } else out.push(match[3]);
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return <>{out}</>;
}

/**
 * Renders blocks. Headings are shifted by `headingOffset` (a document's "#" under the page's own
 * h1 becomes h2) and capped at h6; wide tables scroll inside their own focusable region.
 */
export function Markdown({
  blocks,
  headingOffset = 0,
  label,
}: {
  blocks: Block[];
  headingOffset?: number;
  label?: string;
}) {
  return (
    <>
      {blocks.map((block, index) => {
        switch (block.kind) {
          case 'heading': {
            const level = Math.min(6, block.level + headingOffset);
            const Tag = `h${level}` as 'h2';
            return (
              <Tag key={index}>
                <Inline text={block.text} />
              </Tag>
            );
          }
          case 'list':
            return (
              <ul key={index}>
                {block.items.map((item, itemIndex) => (
                  <li key={itemIndex}>
                    <Inline text={item} />
                  </li>
                ))}
              </ul>
            );
          case 'table':
            return (
              <div
                key={index}
                className="table-scroll"
                role="region"
                aria-label={`${label ?? 'Table'} ${index + 1}`}
                tabIndex={0}
              >
                <table>
                  <thead>
                    <tr>
                      {block.header.map((cell, cellIndex) => (
                        <th key={cellIndex} scope="col">
                          <Inline text={cell} />
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {block.rows.map((row, rowIndex) => (
                      <tr key={rowIndex}>
                        {row.map((cell, cellIndex) => (
                          <td key={cellIndex}>
                            <Inline text={cell} />
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          default:
            return (
              <p key={index}>
                <Inline text={block.text} />
              </p>
            );
        }
      })}
    </>
  );
}
