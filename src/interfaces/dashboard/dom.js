// @ts-check
/*
 * Building the page: elements are made here from attributes and text, never from HTML, so that text
 * from the API can only ever land as text.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** @typedef {Node | string | number | false | null | undefined} Child What an element takes as a child: text, a node, or nothing (left out). */

/**
 * The page's element with this id, of the class the caller needs. A missing or different element
 * is a mismatch between dashboard.html and its modules, so it fails loudly at the line that needs it.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} [type] HTMLElement unless a caller needs an input, select, table…
 * @returns {T}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof (type ?? HTMLElement)))
    throw new TypeError(`dashboard.html has no element with id "${id}" of the kind its script needs`);
  return /** @type {T} */ (node);
}

/**
 * An element with attributes (`class`, `data-*`, properties for `on*`/`hidden`/`disabled`) and text or element children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  return decorate(document.createElement(tag), attributes, children);
}

/**
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attributes = {}, ...children) {
  return decorate(/** @type {SVGElementTagNameMap[K]} */ (document.createElementNS(SVG_NS, tag)), attributes, children);
}

/**
 * @template {Element} E
 * @param {E} node
 * @param {Record<string, unknown>} attributes
 * @param {(Child | Child[])[]} children
 * @returns {E}
 */
function decorate(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (name === 'hidden' || name === 'disabled' || name === 'checked' || name === 'value')
      /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (node))[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/**
 * A message line (`.message`), optionally `ok` or `error`.
 * @param {HTMLElement} node
 * @param {string} message
 * @param {'' | 'ok' | 'error'} [kind]
 */
export function show(node, message, kind = '') {
  node.textContent = message;
  node.className = `message ${kind}`.trim();
}
