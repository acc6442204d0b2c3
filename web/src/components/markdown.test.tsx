import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { Markdown, parseMarkdown } from './markdown';
import { splitCard } from '../pages/ModelCard';

const CARD = `# Model card: stroke (1.0.0+abc)

## In plain words

- **What it estimates:** the chance of having had a stroke.
- **How good it is:** about 84 times out of 100.

## Intended use

Estimates the probability of a recorded stroke,
**not a diagnosis**. See \`vitalis train\` and [the API](/api).

| input | importance |
|---|---|
| \`age\` (Age) | 79.8 % |
| \`bmi\` (BMI) | 3.1 % |
`;

describe('Markdown', () => {
  it('parses headings, lists, paragraphs and tables', () => {
    const blocks = parseMarkdown(CARD);
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'heading', 'list', 'heading', 'paragraph', 'table']);
    const table = blocks[5];
    expect(table.kind === 'table' && table.rows).toEqual([
      ['`age` (Age)', '79.8 %'],
      ['`bmi` (BMI)', '3.1 %'],
    ]);
    const paragraph = blocks[4];
    expect(paragraph.kind === 'paragraph' && paragraph.text).toContain('stroke, **not a diagnosis**');
  });

  it('renders elements, never raw Markdown or HTML', () => {
    render(
      <Markdown
        blocks={parseMarkdown(CARD + '\n<script>alert(1)</script> [x](javascript:alert(1))\n')}
        headingOffset={1}
      />,
    );
    expect(screen.getByRole('heading', { level: 3, name: 'In plain words' })).toBeTruthy();
    expect(screen.getByText('not a diagnosis').tagName).toBe('STRONG');
    expect(screen.getByText('vitalis train').tagName).toBe('CODE');
    expect(screen.getByRole('link', { name: 'the API' }).getAttribute('href')).toBe('/api');
    expect(screen.getByRole('columnheader', { name: 'importance' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Table 6' }).getAttribute('tabindex')).toBe('0');
    expect(document.querySelector('script')).toBeNull();
    expect(screen.queryByRole('link', { name: 'x' })).toBeNull();
    expect(document.body.textContent).not.toMatch(/##|\|---/);
  });

  it('splits a model card into the plain summary and the technical card', () => {
    const { title, summary, technical } = splitCard(CARD);
    expect(title).toBe('Model card: stroke (1.0.0+abc)');
    expect(summary.map((b) => b.kind)).toEqual(['list']);
    expect(technical[0]).toEqual({ kind: 'heading', level: 2, text: 'Intended use' });
  });
});
