/* Pedoman search UI: the header combobox, the /cari/ page, and the words of a search
 * highlighted on the page a result opens. It runs on the engine of search-engine.js, which
 * search-loader.js loads just before it. Every text comes from the theme's i18n through
 * data-search-msg-* attributes; nothing from the index or the query is parsed as HTML. */
(function () {
  'use strict';
  var api = self.PedomanSearchEngine;
  var form = document.querySelector('form.site-search');
  if (!api || api.ui || !form) return;
  api.ui = true;
  window.pedomanSearch = api;
  var WINDOW = api.WINDOW, chars = api.chars;
  // A part of the index that has not arrived by then never will: fail, so a retry can start.
  var FETCH_TIMEOUT_MS = 30000;
  var BOX_DEBOUNCE_MS = 150, PAGE_DEBOUNCE_MS = 200;

  /* ---------- texts ---------- */

  var page = document.querySelector('[data-search-page]');
  var texts = {};
  [form, page].forEach(function (holder) {
    if (!holder) return;
    Object.keys(holder.dataset).forEach(function (k) {
      // data-search-msg-count-one → countOne; data-search-page-msg-count → pageCount.
      var m = /^search(Page)?Msg(.+)$/.exec(k);
      if (m) texts[m[1] ? 'page' + m[2] : m[2].charAt(0).toLowerCase() + m[2].slice(1)] = holder.dataset[k];
    });
  });
  // The page's language for plurals and numbers; a tag Intl refuses (`id_ID`) means the default.
  var locale = document.documentElement.lang || undefined, plural;
  try { plural = new Intl.PluralRules(locale); } catch (e) { plural = new Intl.PluralRules(locale = undefined); }
  /** The text `key` with {n}, {q}, {w} filled in: a string value as text, a Node as itself. */
  function say(key, vars) {
    vars = vars || {};
    if (typeof vars.n === 'number') {
      if (plural.select(vars.n) === 'one' && texts[key + 'One']) key += 'One';
      vars.n = vars.n.toLocaleString(locale);
    }
    var frag = document.createDocumentFragment();
    (texts[key] || '').split(/(\{[a-z]\})/).forEach(function (part) {
      var v = /^\{[a-z]\}$/.test(part) ? vars[part.slice(1, -1)] : part;
      if (v === undefined || v === '') return;
      frag.appendChild(typeof v === 'string' ? document.createTextNode(v) : v);
    });
    return frag;
  }
  function sayText(key, vars) { return say(key, vars).textContent; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* ---------- the engine, fetched parts, retries ---------- */

  var indexUrl = new URL(form.getAttribute('data-search-index'), document.baseURI);
  // Pages live beside search/: `/panduan/search/` → `/panduan/`.
  var siteBase = new URL('../', indexUrl);
  function fetchPart(engine, path, binary) {
    var url = new URL(path, indexUrl);
    if (path !== 'meta.json') url.searchParams.set('v', engine.v || '');
    var init = path === 'meta.json' ? { cache: 'no-cache' } : {};
    if (self.AbortSignal && AbortSignal.timeout) init.signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    // The loader started meta.json with the scripts: use that once.
    var started = path === 'meta.json' && self.PedomanSearchMeta;
    self.PedomanSearchMeta = null;
    return (started || fetch(url.href, init)).then(function (r) {
      if (!r.ok) throw new Error('search index: ' + r.status + ' for ' + path);
      return binary ? r.arrayBuffer().then(function (b) { return new Uint8Array(b); }) : r.text();
    });
  }
  var engine, opening;
  function newEngine() {
    var e = new api.Engine(function (path, binary) { return fetchPart(e, path, binary); });
    api.engine = engine = e;
    opening = null;
  }
  newEngine();
  /** Fetches the index's table of contents once (engine.open does it again when called
   * again), or again after a failure. */
  function open() {
    var e = engine;
    opening = opening || e.open().catch(function (err) {
      if (engine === e) opening = null;
      throw err;
    });
    return opening;
  }
  /** engine.search; after a failure the next search starts afresh, as the engine keeps
   * every fetch it started, failed ones too. */
  function search(q, opts) {
    var e = engine;
    return open().then(function () { return e.search(q, opts); }).then(function (hits) {
      // The first answer: now the rest of the index may be cached for offline search
      // (reader.js asks the service worker), without competing with this first search.
      if (!api.answered) document.dispatchEvent(new CustomEvent('pedoman:searched'));
      api.answered = true;
      return hits;
    }).catch(function (err) {
      if (engine === e) newEngine();
      throw err;
    });
  }

  /* ---------- one hit ---------- */

  /** The snippet as text nodes and <mark>s. */
  function marked(text, marks) {
    var frag = document.createDocumentFragment(), cs = chars(text), at = 0;
    marks.forEach(function (m) {
      if (m[0] > at) frag.appendChild(document.createTextNode(cs.slice(at, m[0]).join('')));
      frag.appendChild(el('mark', null, cs.slice(m[0], m[1]).join('')));
      at = m[1];
    });
    if (at < cs.length) frag.appendChild(document.createTextNode(cs.slice(at).join('')));
    return frag;
  }
  function queryWords(query) {
    return api.parse(query, true).words.filter(function (t) { return !t.stop; });
  }
  function titleMarks(title, words) {
    // Title words whose stems the query asks for (or that start with the word being typed).
    var stems = new Set(words.map(function (t) { return t.stem; }));
    var typing = words.length ? words[words.length - 1].surface : '';
    return api.tokenize(title).filter(function (t) {
      return !t.stop && (stems.has(t.stem) || (typing.length >= 3 && t.surface.startsWith(typing)));
    }).map(function (t) { return [t.start, t.end]; });
  }
  /** The result's address, with the words to highlight there (?h=): the query's words and
   * the words the result matched them with (other forms, synonyms, corrected typos). */
  function hrefOf(hit, words, tmarks) {
    var u = new URL(hit.url.replace(/^\//, ''), siteBase);
    // One word per stem: the landed page matches by stem anyway.
    var byStem = new Map();
    var add = function (t) { if (!t.stop && !byStem.has(t.stem)) byStem.set(t.stem, t.surface); };
    words.forEach(add);
    [[hit.title, tmarks], [hit.snippet, hit.marks]].forEach(function (tm) {
      var cs = chars(tm[0]);
      tm[1].forEach(function (m) { api.tokenize(cs.slice(m[0], m[1]).join('')).forEach(add); });
    });
    if (byStem.size) u.searchParams.set('h', Array.from(byStem.values()).join(' '));
    return u.href;
  }
  function renderHit(hit, query, id) {
    var words = queryWords(query), tmarks = titleMarks(hit.title, words);
    var a = el('a', 'search-hit');
    a.href = hrefOf(hit, words, tmarks);
    if (id) {
      a.id = id;
      a.setAttribute('role', 'option');
      a.setAttribute('aria-selected', 'false');
      a.tabIndex = -1;
    }
    var t = el('span', 'search-hit-title');
    t.appendChild(marked(hit.title, tmarks));
    a.appendChild(t);
    if (hit.partial) {
      var p = el('span', 'search-hit-partial', sayText('partial'));
      var missing = [].concat(hit.missing || []).join(', ');
      if (missing) p.appendChild(document.createTextNode(' \u00b7 ' + sayText('missing', { w: missing })));
      a.appendChild(p);
    }
    // The home page's title starts every breadcrumb: leave it out.
    var crumbs = hit.breadcrumb.slice(1);
    if (crumbs.length) a.appendChild(el('span', 'search-hit-crumbs', crumbs.join(' \u203a ')));
    if (hit.heading) a.appendChild(el('span', 'search-hit-heading', '\u00a7 ' + hit.heading));
    var s = el('span', 'search-hit-snippet');
    s.appendChild(marked(hit.snippet, hit.marks));
    a.appendChild(s);
    return a;
  }
  /** What the engine says about the query as a whole: words no page holds, a correction. */
  function notes(hits, run) {
    var out = [];
    var absent = [].concat(hits.absent || []).filter(function (w) { return typeof w === 'string' && w; });
    // With no hits at all, "no results for …" says it already.
    if (absent.length && hits.length) {
      var words = document.createDocumentFragment();
      absent.forEach(function (w, i) {
        if (i) words.appendChild(document.createTextNode(', '));
        words.appendChild(el('em', null, w));
      });
      var p = el('p', 'search-note');
      p.appendChild(say('absent', { w: words }));
      out.push(p);
    }
    if (typeof hits.suggestion === 'string' && hits.suggestion) {
      var b = el('button', 'search-suggestion', hits.suggestion);
      b.type = 'button';
      b.addEventListener('click', function () { run(hits.suggestion); });
      var q = el('p', 'search-note');
      q.appendChild(say('suggest', { w: b }));
      out.push(q);
    }
    return out;
  }
  /** "12 hasil": the engine's total when it gives one, else what came back ("10+" when cut). */
  function count(hits, limit) {
    if (typeof hits.total === 'number') return hits.total;
    return hits.length === limit ? hits.length + '+' : hits.length;
  }
  function tooShort(q) { return chars(q.trim()).length < 2; }

  /* ---------- the header box ---------- */

  var input = form.querySelector('input[name="q"]');
  var panel = form.querySelector('.search-results');
  var msg = form.querySelector('.search-msg');
  var list = document.getElementById(input.getAttribute('aria-controls'));
  var live = form.querySelector('.search-live');
  var active = -1, seq = 0, timer = 0, liveTimer = 0;

  function options() { return list.querySelectorAll('[role="option"]'); }
  function setActive(i) {
    var opts = options();
    if (!opts.length || list.hidden) return;
    active = (i + opts.length) % opts.length;
    opts.forEach(function (o, k) { o.setAttribute('aria-selected', k === active ? 'true' : 'false'); });
    input.setAttribute('aria-activedescendant', opts[active].id);
    opts[active].scrollIntoView({ block: 'nearest' });
  }
  function unselect() {
    active = -1;
    input.removeAttribute('aria-activedescendant');
  }
  function expanded(on) {
    list.hidden = !on;
    input.setAttribute('aria-expanded', on ? 'true' : 'false');
    if (!on) unselect();
  }
  function close() {
    panel.hidden = true;
    expanded(false);
  }
  /** Keeps the panel inside the viewport, whatever the header's layout puts around the box. */
  function place() {
    if (panel.hidden) return;
    var gap = 8, vw = document.documentElement.clientWidth, r = form.getBoundingClientRect();
    var top = panel.getBoundingClientRect().top;
    var rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    var width = Math.min(Math.max(r.width, 32 * rem), vw - 2 * gap);
    var left = Math.min(Math.max(r.left, gap), vw - gap - width);
    panel.style.left = left - r.left + 'px';
    panel.style.right = 'auto';
    panel.style.width = width + 'px';
    panel.style.maxHeight = Math.max(10 * rem, window.innerHeight - top - gap) + 'px';
  }
  function show() {
    panel.hidden = false;
    place();
  }
  /** Tells a screen reader what came of the search once typing has settled. */
  function announce(text) {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(function () { live.textContent = text; }, 400);
  }
  function allResultsHref(q) {
    var u = new URL('cari/', siteBase);
    u.searchParams.set('q', q);
    return u.href;
  }
  function runWith(q) {
    input.value = q;
    input.focus();
    runBox();
  }
  function render(q, hits) {
    msg.textContent = '';
    list.textContent = '';
    list.setAttribute('data-query', q);
    var more = panel.querySelector('.search-more');
    if (more) more.remove();
    unselect();
    if (hits === null) {
      msg.textContent = sayText('failed');
      announce(msg.textContent);
      expanded(false);
      return show();
    }
    notes(hits, runWith).forEach(function (n) { msg.appendChild(n); });
    if (!hits.length) {
      msg.appendChild(el('p', 'search-note', sayText('none', { q: q.trim() })));
      announce(msg.textContent);
      expanded(false);
      return show();
    }
    hits.forEach(function (h, i) { list.appendChild(renderHit(h, q, '_cari-opsi-' + i)); });
    more = el('a', 'search-more', sayText('all'));
    more.href = allResultsHref(q.trim());
    list.after(more);
    announce(sayText('count', { n: count(hits, WINDOW) }));
    expanded(true);
    show();
  }
  async function runBox() {
    clearTimeout(timer);
    var q = input.value, mine = ++seq;
    // One letter says too little to search on.
    if (tooShort(q)) return close();
    if (list.hidden) {
      // Nothing on screen yet (first search, or the last one found nothing): say so at once.
      msg.textContent = sayText('searching');
      show();
    }
    var t0 = performance.now(), hits;
    api.searches = (api.searches || 0) + 1;
    try {
      hits = await search(q, { limit: WINDOW, prefix: true });
    } catch (e) {
      hits = null;
    }
    if (mine !== seq) return;
    api.lastMs = performance.now() - t0;
    render(q, hits);
  }
  input.addEventListener('input', function () {
    clearTimeout(timer);
    if (tooShort(input.value)) {
      seq++;
      return close();
    }
    if (list.hidden) {
      msg.textContent = sayText('searching');
      show();
    }
    timer = setTimeout(runBox, BOX_DEBOUNCE_MS);
  });
  // Back in the box: what it last showed comes back.
  input.addEventListener('focus', function () {
    if (tooShort(input.value) || !(options().length || msg.textContent)) return;
    if (options().length) expanded(true);
    show();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden) runBox(); else setActive(active + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(active - 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (!panel.hidden) close();
      else input.value = '';
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      window.location.href = options()[active].href;
    }
  });
  form.addEventListener('focusout', function (e) { if (e.relatedTarget && !form.contains(e.relatedTarget)) close(); });
  document.addEventListener('click', function (e) { if (!form.contains(e.target)) close(); });
  window.addEventListener('resize', place);

  /* ---------- the /cari/ page: results as you type, a section filter, the back button ---------- */

  if (page) {
    var pageInput = page.querySelector('input[name="q"]');
    var select = page.querySelector('select[name="bagian"]');
    var status = page.querySelector('.search-page-status');
    var pageNotes = page.querySelector('.search-page-notes');
    var results = page.querySelector('.search-page-results');
    var baseTitle = document.title;
    var shown = 0, pageSeq = 0, pageTimer = 0;
    var fillSections = function () {
      if (select.options.length > 1 || !engine.meta) return;
      engine.meta.sections.forEach(function (s) {
        var o = el('option', null, s[1]);
        o.value = s[0];
        select.appendChild(o);
      });
    };
    var setUrl = function (q, sec, push) {
      var u = new URL(location.href);
      if (!q && !u.searchParams.has('q')) return;
      u.searchParams.set('q', q);
      if (sec) u.searchParams.set('bagian', sec); else u.searchParams.delete('bagian');
      if (u.href === location.href) return;
      if (push) history.pushState(null, '', u.href); else history.replaceState(null, '', u.href);
    };
    var runPage = async function (push, prefix) {
      clearTimeout(pageTimer);
      var q = pageInput.value, sec = select.value, mine = ++pageSeq;
      setUrl(q, sec, push);
      document.title = q.trim() ? q.trim() + ' \u2013 ' + baseTitle : baseTitle;
      if (!q.trim()) {
        results.textContent = '';
        pageNotes.textContent = '';
        shown = 0;
        status.textContent = sayText('pagePrompt');
        return;
      }
      // Earlier results stay until the new ones replace them: nothing flickers as you type.
      if (!results.children.length) status.textContent = sayText('searching');
      await more(q, sec, prefix, mine, true);
    };
    var more = async function (q, sec, prefix, mine, fresh) {
      // First the engine's first window (every record is a page's whole text, 2-3 KB over
      // the wire): on a slow link the first results come sooner. Then two windows a click.
      var from = fresh ? 0 : shown, limit = fresh ? WINDOW : from + WINDOW * 2, hits;
      try {
        hits = await search(q, { limit: limit, section: sec || null, prefix: prefix });
        fillSections();
      } catch (e) {
        hits = null;
      }
      if (mine !== pageSeq) return;
      var old = page.querySelector('.search-page-more');
      if (old) old.remove();
      if (hits === null) {
        status.textContent = sayText('failed');
        return;
      }
      if (fresh) {
        results.textContent = '';
        pageNotes.textContent = '';
        notes(hits, function (s) { pageInput.value = s; runPage(true, false); }).forEach(function (n) {
          pageNotes.appendChild(n);
        });
      }
      hits.slice(from).forEach(function (h, i) {
        var li = el('li');
        li.appendChild(renderHit(h, q));
        results.appendChild(li);
        // The pressed button goes away: the keyboard carries on from the first new result.
        if (!fresh && i === 0) li.querySelector('a').focus();
      });
      // Nothing new (the last window was full): the keyboard stays on the last result.
      if (!fresh && hits.length === from && results.lastElementChild) results.lastElementChild.querySelector('a').focus();
      shown = hits.length;
      page.setAttribute('data-query', q);
      status.textContent = shown ? sayText('pageCount', { n: count(hits, limit), q: q.trim() }) : sayText('none', { q: q.trim() });
      if (hits.length === limit) {
        var btn = el('button', 'search-page-more', sayText('pageMore'));
        btn.type = 'button';
        btn.addEventListener('click', function () { more(q, sec, prefix, mine, false); });
        results.after(btn);
      }
    };
    // The section list comes with the index: open it first, so ?bagian= can be honoured.
    var fromUrl = function () {
      var params = new URLSearchParams(location.search);
      pageInput.value = params.get('q') || '';
      open().catch(function () {}).then(function () {
        fillSections();
        select.value = params.get('bagian') || '';
        if (select.selectedIndex < 0) select.value = '';
        runPage(false, false);
      });
    };
    page.querySelector('form').addEventListener('submit', function (e) {
      e.preventDefault();
      runPage(true, false);
    });
    pageInput.addEventListener('input', function () {
      clearTimeout(pageTimer);
      pageTimer = setTimeout(function () { runPage(false, true); }, PAGE_DEBOUNCE_MS);
    });
    select.addEventListener('change', function () { runPage(true, false); });
    window.addEventListener('popstate', fromUrl);
    fromUrl();
  }

  /* ---------- a page opened from a result: highlight the words searched for ---------- */

  var wanted = new URLSearchParams(location.search).get('h');
  if (wanted && !page) highlight(wanted);

  /** Marks every word of the page's main text whose stem is one of `words`' stems. */
  function highlight(words) {
    var stems = new Set(api.parse(words, false).words.map(function (t) { return t.stem; }));
    var root = document.querySelector('main') || document.body;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentElement.closest('script, style, noscript, textarea, mark, .anchor')
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    for (var n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    var first = null, budget = 500;
    nodes.forEach(function (node) {
      var mark = null;
      var hits = api.tokenize(node.data).filter(function (t) { return !t.stop && stems.has(t.stem); });
      if (!hits.length || budget <= 0) return;
      // Token offsets count code points; DOM offsets count UTF-16 units.
      var at = [0];
      chars(node.data).forEach(function (c, i) { at.push(at[i] + c.length); });
      hits.slice(0, budget).reverse().forEach(function (t) {
        var word = node.splitText(at[t.start]);
        word.splitText(at[t.end] - at[t.start]);
        var m = el('mark', 'search-highlight');
        word.replaceWith(m);
        m.appendChild(word);
        mark = m;
        budget--;
      });
      first = first || mark;
    });
    // The address keeps no trace of the search once its words are shown.
    var u = new URL(location.href);
    u.searchParams.delete('h');
    history.replaceState(history.state, '', u.href);
    if (first && !location.hash) first.scrollIntoView({ block: 'center' });
  }

  // The reader has started to search: fetch the index's table of contents while they type.
  if (!wanted) open().catch(function () {});
  // Typed before this script arrived? Search now.
  if (!tooShort(input.value) && document.activeElement === input) runBox();
})();
