/* Loads the search engine and UI (search-engine.js, then search.js) only when the
 * reader starts to search: focus, typing, or "/". On the search page (/cari/) at once. */
(function () {
  'use strict';
  var form = document.querySelector('form.site-search');
  if (!form) return;
  var input = form.querySelector('input[type="search"]');
  var loaded = false;
  function load() {
    if (loaded) return;
    loaded = true;
    // Both download at once; async = false runs them in this order.
    ['data-search-engine', 'data-search-script'].forEach(function (attr) {
      var s = document.createElement('script');
      s.src = form.getAttribute(attr);
      s.async = false;
      document.head.appendChild(s);
    });
  }
  input.addEventListener('focus', load);
  input.addEventListener('input', load);
  input.addEventListener('pointerenter', load, { once: true });
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
    }
  });
  if (document.querySelector('[data-search-page]')) load();
})();
