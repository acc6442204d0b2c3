// A model's card (models/<name>/MODEL_CARD.md), bundled at build time as text: loaded only when
// this page is opened.
import { useLoad, Async } from '../components/status';
import { Link } from '../router';

const CARDS: Record<string, () => Promise<{ default: string }>> = {
  diabetes: () => import('../../../models/diabetes/MODEL_CARD.md?raw'),
  heart: () => import('../../../models/heart/MODEL_CARD.md?raw'),
  stroke: () => import('../../../models/stroke/MODEL_CARD.md?raw'),
};

export default function ModelCard({ name }: { name: string }) {
  const state = useLoad(async () => {
    const load = CARDS[name];
    if (!load) throw new Error(`There is no model called “${name}”.`);
    return (await load()).default;
  }, [name]);
  return (
    <section>
      <p>
        <Link to="/predict">← Back to the risk check</Link>
      </p>
      <Async state={state} label="Loading the model card…">
        {(text) => (
          <article className="model-card">
            <pre>{text}</pre>
          </article>
        )}
      </Async>
    </section>
  );
}
