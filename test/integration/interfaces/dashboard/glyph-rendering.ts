import type { Page } from 'playwright-core';

export interface GlyphRendering {
  /** The text of the element's first text node, e.g. a customer's name. */
  text: string;
  /** Width the text takes on the page, in CSS pixels. */
  elementWidth: number;
  /** Canvas widths in the element's font: the text, and as many characters no font has (U+E000, private use). */
  textWidth: number;
  missingWidth: number;
  /** Each character of the text drawn alone: does its picture differ from that of a missing character? */
  unlikeMissing: boolean[];
  /** Distinct characters of the text that are drawn with distinct pictures (boxes are all alike). */
  distinctPictures: number;
  distinctCharacters: number;
}

/**
 * How the browser draws the text of the element `selector`, in that element's computed font. A
 * character no installed font covers is drawn as the fallback font's "missing glyph" box, which is
 * the same picture for every such character; so Chinese text without a CJK font shows as boxes that
 * look like U+E000 and like each other, whatever their widths.
 */
export function glyphRendering(page: Page, selector: string): Promise<GlyphRendering> {
  return page.evaluate(`(${IN_PAGE})(${JSON.stringify(selector)})`) as Promise<GlyphRendering>;
}

// Plain JavaScript run in the page: the test's TypeScript transform would add helpers the page lacks.
const IN_PAGE = `(target) => {
  const element = document.querySelector(target);
  const node = [...(element ? element.childNodes : [])].find((child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim() !== '');
  if (!element || !node) throw new Error('no text in ' + target);
  const text = node.textContent.trim();
  const range = document.createRange();
  range.selectNodeContents(node);
  const canvas = document.createElement('canvas');
  canvas.width = 96;
  canvas.height = 96;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.font = getComputedStyle(element).font;
  context.textBaseline = 'top';
  const picture = (character) => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.fillText(character, 8, 8);
    return canvas.toDataURL();
  };
  const missing = '\\uE000';
  const characters = [...text];
  const distinct = [...new Set(characters)];
  return {
    text,
    elementWidth: range.getBoundingClientRect().width,
    textWidth: context.measureText(text).width,
    missingWidth: context.measureText(missing.repeat(characters.length)).width,
    unlikeMissing: characters.map((character) => picture(character) !== picture(missing)),
    distinctPictures: new Set(distinct.map(picture)).size,
    distinctCharacters: distinct.length,
  };
}`;
