// Live reload for `pedoman serve`. Served from memory at /__pedoman/reload.js and added to every
// HTML page by the preview server only: it is never part of a built site. A file, not inline code,
// so it runs under the theme's Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  if (window.__pedomanReload) return;
  // State visible to tests (and curious editors in the console).
  var state = (window.__pedomanReload = { connected: false });

  var OVERLAY_ID = "pedoman-overlay";
  // The overlay speaks the site's language where it can; diagnostics themselves are English.
  var TEXT = /^id\b/i.test(document.documentElement.lang || "")
    ? {
        title: function (n) { return "Pedoman gagal membangun ulang situs: " + n + " masalah"; },
        note: "Halaman ini adalah versi terakhir yang berhasil dibangun. Perbaiki berkasnya lalu simpan: pesan ini hilang dengan sendirinya.",
        more: function (n) { return "… dan " + n + " masalah lain: lihat terminal."; },
        hide: "Tutup",
      }
    : {
        title: function (n) { return "Pedoman could not rebuild the site: " + n + (n === 1 ? " problem" : " problems"); },
        note: "This page is the last version that built. Fix the file and save: this message goes away by itself.",
        more: function (n) { return "… and " + n + " more: see the terminal."; },
        hide: "Hide",
      };
  var STYLE_ID = "pedoman-overlay-css";
  var generation = null;

  // The overlay's styles come from a file too: CSP forbids inline style attributes.
  function ensureStyles() {
    if (document.getElementById(STYLE_ID)) return;
    var link = document.createElement("link");
    link.id = STYLE_ID;
    link.rel = "stylesheet";
    link.href = "/__pedoman/overlay.css";
    (document.head || document.documentElement).appendChild(link);
  }

  function hideErrors() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  // Everything is set with textContent, so a message can never become markup.
  // The server sends the first few problems and how many there are in all.
  function showErrors(diagnostics, total) {
    ensureStyles();
    hideErrors();
    var box = document.createElement("section");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", OVERLAY_ID + "-title");
    var title = document.createElement("h2");
    title.id = OVERLAY_ID + "-title";
    total = Math.max(total || 0, diagnostics.length);
    title.textContent = TEXT.title(total);
    var note = document.createElement("p");
    note.textContent = TEXT.note;
    var list = document.createElement("ol");
    diagnostics.forEach(function (d) {
      var item = document.createElement("li");
      var pre = document.createElement("pre");
      pre.textContent = d.text;
      item.appendChild(pre);
      list.appendChild(item);
    });
    if (total > diagnostics.length) {
      var more = document.createElement("li");
      more.textContent = TEXT.more(total - diagnostics.length);
      list.appendChild(more);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = TEXT.hide;
    close.addEventListener("click", hideErrors);
    box.appendChild(title);
    box.appendChild(note);
    box.appendChild(list);
    box.appendChild(close);
    document.body.appendChild(box);
  }

  // Load each same-origin stylesheet again under a fresh query and drop the old one once the new
  // one has loaded: no flash of unstyled text, and the scroll position stays where it was.
  function refreshStyles() {
    var stamp = String(Date.now());
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      if (link.id === STYLE_ID || link.dataset.pedomanStale) return;
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("pedoman-reload", stamp);
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      link.dataset.pedomanStale = "1";
      var done = function () { link.remove(); };
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      link.after(fresh);
    });
  }

  function data(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }

  var source = new EventSource("/__pedoman/events");
  source.addEventListener("error", function () {
    state.connected = false; // EventSource retries by itself
  });
  source.addEventListener("hello", function (event) {
    var d = data(event);
    state.connected = true;
    // A different generation after a reconnect: a rebuild (or a restart) happened meanwhile.
    if (generation !== null && d.generation !== generation) location.reload();
    generation = d.generation;
  });
  source.addEventListener("reload", function () {
    location.reload();
  });
  source.addEventListener("css", function (event) {
    generation = data(event).generation;
    hideErrors();
    refreshStyles();
  });
  source.addEventListener("build-error", function (event) {
    var d = data(event);
    showErrors(d.diagnostics || [], d.total);
  });
  source.addEventListener("clear", hideErrors);
})();
