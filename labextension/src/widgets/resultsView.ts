/**
 * The results area: one card per answer, analysis or report, newest first.
 *
 * Bundles are rendered by JupyterLab's rendermime registry, untrusted, so a card looks as
 * it does in the notebook and Plotly charts go through the installed Plotly renderer.
 */
import { type IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Panel } from '@lumino/widgets';

import { formatPercent } from '../format';
import { MAX_RESULTS } from '../protocol/client';
import type {
  AnalysisMessage,
  AnswerMessage,
  MimeBundle,
  ReportMessage,
  ResultMessage
} from '../protocol/messages';
import { element, nodeWidget } from './dom';

export class ResultsView extends Panel {
  /** `resolveUrl` turns a report link (relative to the server root) into an address. */
  constructor(
    private readonly _rendermime: IRenderMimeRegistry,
    private readonly _resolveUrl: (url: string) => string
  ) {
    super();
    this.addClass('jp-AnalystResults');
    this.node.setAttribute('aria-label', 'Results');
    this.node.setAttribute('role', 'region');
  }

  /** Replace every card with `results` (another notebook became current). */
  setResults(results: readonly ResultMessage[]): void {
    for (const card of [...this.widgets]) {
      card.dispose();
    }
    // `results` is newest first; adding each at the top keeps that order.
    for (const result of [...results].reverse()) {
      this.addResult(result);
    }
  }

  /** Put the card of `result` at the top, dropping the oldest beyond `MAX_RESULTS`. */
  addResult(result: ResultMessage): void {
    this.insertWidget(0, this._card(result));
    while (this.widgets.length > MAX_RESULTS) {
      this.widgets[this.widgets.length - 1]?.dispose();
    }
  }

  private _card(result: ResultMessage): Panel {
    switch (result.type) {
      case 'answer':
        return this._answerCard(result);
      case 'analysis':
        return this._analysisCard(result);
      case 'report':
        return reportCard(result, this._resolveUrl);
    }
  }

  private _answerCard(result: AnswerMessage): Panel {
    const { answer } = result;
    // The kernel's answer card is titled with the question; without one, the sidebar is.
    const heading = result.bundles.length > 0 ? null : answer.question;
    const card = newCard(`Answer: ${answer.question}`, heading);
    if (result.bundles.length > 0) {
      this._renderBundles(card, result.bundles);
    } else {
      // No display bundle: the answer's own text still says what happened.
      const text = answer.message || JSON.stringify(answer.value);
      card.addWidget(nodeWidget(element('p', { class: 'jp-AnalystCard-text' }, text)));
    }
    const details = element('div', { class: 'jp-AnalystCard-details' });
    // The cell is the answer's code written against the user's own frame name: what
    // "Insert as cell" inserts and what runs in the notebook, so show that when there is one.
    const code = result.cell || answer.code;
    if (code) {
      details.append(
        element('div', { class: 'jp-AnalystCard-label' }, 'Code'),
        element('pre', { class: 'jp-AnalystCard-code' }, code)
      );
    }
    // The kernel's card already states the engine, confidence, data and warnings.
    if (result.bundles.length === 0) {
      details.append(element('p', { class: 'jp-AnalystCard-meta' }, aboutAnswer(result)));
    }
    if (result.bundles.length === 0 && answer.warnings.length > 0) {
      const items = answer.warnings.map(warning => element('li', {}, warning));
      details.append(element('ul', { class: 'jp-AnalystCard-warnings' }, ...items));
    }
    card.addWidget(nodeWidget(details));
    return card;
  }

  private _analysisCard(result: AnalysisMessage): Panel {
    const card = newCard('Analysis', 'Analysis');
    if (result.summary) {
      card.addWidget(nodeWidget(element('p', { class: 'jp-AnalystCard-text' }, result.summary)));
    }
    this._renderBundles(card, result.bundles);
    return card;
  }

  private _renderBundles(card: Panel, bundles: readonly MimeBundle[]): void {
    for (const bundle of bundles) {
      const mimeType = this._rendermime.preferredMimeType(bundle, 'any');
      if (mimeType === undefined) {
        continue;
      }
      const renderer = this._rendermime.createRenderer(mimeType);
      renderer.addClass('jp-AnalystCard-output');
      card.addWidget(renderer);
      renderer.renderModel(new MimeModel({ data: bundle, trusted: false })).catch(() => {
        renderer.node.textContent = `This output (${mimeType}) could not be displayed.`;
      });
    }
  }
}

/** "Engine: rules · confidence 100% · the table as given, 500 rows × 3 columns". */
function aboutAnswer({ answer }: AnswerMessage): string {
  const about = [`Engine: ${answer.engine}`];
  if (answer.confidence !== null) {
    about.push(`confidence ${formatPercent(answer.confidence)}`);
  }
  if (answer.data) {
    about.push(answer.data);
  }
  return about.join(' · ');
}

function newCard(label: string, heading: string | null): Panel {
  const card = new Panel();
  card.addClass('jp-AnalystCard');
  card.node.setAttribute('role', 'article');
  card.node.setAttribute('aria-label', label);
  if (heading !== null) {
    card.addWidget(nodeWidget(element('h3', { class: 'jp-AnalystCard-heading' }, heading)));
  }
  return card;
}

function reportCard(result: ReportMessage, resolveUrl: (url: string) => string): Panel {
  const card = newCard('Report', 'Report');
  const items = result.links.map(link =>
    element(
      'li',
      {},
      element(
        'a',
        { href: resolveUrl(link.url), target: '_blank', rel: 'noopener' },
        link.format ? `${link.name} (${link.format})` : link.name
      )
    )
  );
  card.addWidget(nodeWidget(element('ul', { class: 'jp-AnalystCard-links' }, ...items)));
  return card;
}
