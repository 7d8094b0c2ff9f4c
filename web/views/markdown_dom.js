// A lesson's Markdown as DOM nodes. marked (a kept library) reads the Markdown; the nodes are
// built here from its tokens with createElement and text nodes, so a lesson's text never becomes
// markup: raw HTML shows as text, and only web links (and the page's own #links) are followed.
import { Lexer } from '../vendor/marked.esm.js';
import { reloadingLink } from './common.js';

function element(tag, children = []) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}
const text = (value) => document.createTextNode(value);

function safeHref(href) {
  try {
    const url = new URL(href, location.href);
    if (href.startsWith('#') || url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {}
  return null;
}

function inline(tokens = []) {
  return tokens.flatMap((token) => {
    switch (token.type) {
      case 'text':
        return token.tokens ? inline(token.tokens) : [text(token.text)];
      case 'em':
      case 'strong':
      case 'del':
        return [element(token.type === 'del' ? 's' : token.type, inline(token.tokens))];
      case 'codespan':
        return [element('code', [text(token.text)])];
      case 'br':
        return [element('br')];
      case 'link': {
        const href = safeHref(token.href);
        if (!href) return inline(token.tokens);
        const link = element('a', inline(token.tokens));
        link.href = href;
        if (token.href.startsWith('#')) {
          reloadingLink(link); // another lesson or view of this page
        } else {
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
        }
        return [link];
      }
      case 'escape':
        return [text(token.text)];
      default: // images, raw HTML: their source, as text
        return [text(token.raw)];
    }
  });
}

function block(token) {
  switch (token.type) {
    case 'paragraph':
      return [element('p', inline(token.tokens))];
    case 'heading': // the lesson's title is the h2
      return [element(`h${Math.min(token.depth + 2, 6)}`, inline(token.tokens))];
    case 'list': {
      const list = element(
        token.ordered ? 'ol' : 'ul',
        token.items.map((item) =>
          element(
            'li',
            item.tokens.flatMap((t) => (t.type === 'text' ? inline(t.tokens ?? [t]) : block(t))),
          ),
        ),
      );
      return [list];
    }
    case 'blockquote':
      return [element('blockquote', token.tokens.flatMap(block))];
    case 'code':
      return [element('pre', [element('code', [text(token.text)])])];
    case 'hr':
      return [element('hr')];
    case 'space':
    case 'def': // a link reference's definition: used by its links, not shown
      return [];
    default: // tables, raw HTML blocks: their source, as text
      return [element('p', [text(token.raw)])];
  }
}

/** The nodes of `markdown`, to append where the text goes. */
export function markdownNodes(markdown) {
  return Lexer.lex(markdown).flatMap(block);
}
