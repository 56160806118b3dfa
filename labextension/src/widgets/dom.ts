/**
 * Small helpers to build DOM nodes: plain DOM keeps the sidebar small and dependency-free.
 */
import { Widget } from '@lumino/widgets';

type Attributes = Record<string, string | boolean | undefined>;

/**
 * `element('button', {class: 'x', disabled: true}, 'Ask')`. A `true` attribute is set
 * empty, `false` and `undefined` are left out; children are nodes or text.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) {
      node.setAttribute(name, '');
    } else if (typeof value === 'string') {
      node.setAttribute(name, value);
    }
  }
  node.append(...children);
  return node;
}

/** A Lumino widget around `node`, to place it in a panel. */
export function nodeWidget(node: HTMLElement): Widget {
  return new Widget({ node });
}

/**
 * Set the text of `node`, hidden when empty. Unchanged text is left alone so that live
 * regions (`role="status"`, `role="alert"`) do not announce it again.
 */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
  node.hidden = text === '';
}
