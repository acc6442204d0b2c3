// A model's card (models/<name>/MODEL_CARD.md, written by `vitalis train`), bundled at build time
// as text and rendered as a document: the short summary in plain words first, then the
// technical card. Loaded only when this page is opened.
import { Async } from '../components/status';
import { useApiQuery } from '../api/query';
import { type Block, Markdown, parseMarkdown } from '../components/markdown';
import { Link } from '../router';
import '../components/predict.css';

const CARDS: Record<string, () => Promise<{ default: string }>> = {
  diabetes: () => import('../../../models/diabetes/MODEL_CARD.md?raw'),
  heart: () => import('../../../models/heart/MODEL_CARD.md?raw'),
  stroke: () => import('../../../models/stroke/MODEL_CARD.md?raw'),
  symptoms: () => import('../../../models/symptoms/MODEL_CARD.md?raw'),
};

const TITLES: Record<string, string> = {
  diabetes: 'Diabetes risk model',
  heart: 'Heart disease risk model',
  stroke: 'Stroke risk model',
  symptoms: 'Symptom checker',
};

/** The card split into its title, the plain-words summary and the technical rest. */
export function splitCard(text: string) {
  const blocks = parseMarkdown(text);
  const title = blocks[0]?.kind === 'heading' && blocks[0].level === 1 ? blocks[0].text : '';
  const body = title ? blocks.slice(1) : blocks;
  const start = body.findIndex((b) => b.kind === 'heading' && b.level === 2 && /^in plain words$/i.test(b.text));
  if (start < 0) return { title, summary: [] as Block[], technical: body };
  let end = body.findIndex((b, index) => index > start && b.kind === 'heading' && b.level <= 2);
  if (end < 0) end = body.length;
  return { title, summary: body.slice(start + 1, end), technical: [...body.slice(0, start), ...body.slice(end)] };
}

export default function ModelCard({ name }: { name: string }) {
  const state = useApiQuery(['model-card', name], async () => {
    const load = CARDS[name];
    if (!load) throw new Error(`There is no model called “${name}”.`);
    return splitCard((await load()).default);
  });
  return (
    <section>
      <p>
        <Link to={name === 'symptoms' ? '/symptoms' : '/predict'}>
          ← Back to the {name === 'symptoms' ? 'symptom checker' : 'risk check'}
        </Link>
      </p>
      <h1>{TITLES[name] ?? 'Model card'}</h1>
      <Async state={state} label="Loading the model card…">
        {({ title, summary, technical }) => (
          <article className="model-card">
            {summary.length > 0 && (
              <section className="card plain-summary" aria-labelledby="plain-title">
                <h2 id="plain-title">In plain words</h2>
                <Markdown blocks={summary} headingOffset={1} label="Summary table" />
              </section>
            )}
            <section aria-labelledby="technical-title">
              <h2 id="technical-title">Technical model card</h2>
              {title && <p className="muted">{title}</p>}
              <Markdown blocks={technical} headingOffset={1} label="Model card table" />
            </section>
          </article>
        )}
      </Async>
    </section>
  );
}
