/* Self-check lists ("Cek diri"): ticks are kept per page in local storage, each under a hash
 * of its item's text, so an edited or reordered list never moves a tick to another item.
 * Loaded by reader.js only on pages that have a checklist. */
(function () {
  'use strict';
  var conf = document.querySelector('script[data-checklist]');
  var t = conf ? conf.dataset : {};
  var key = 'pedoman:cek:' + location.pathname;
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { saved = {}; }
  function store() {
    try { localStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* private mode: ticks last for this visit */ }
  }
  /** FNV-1a of the item's text, in base 36. */
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36);
  }
  var lists = document.querySelectorAll('.checklist');
  for (var l = 0; l < lists.length; l++) {
    if (lists[l].parentNode.closest('.checklist')) continue; // nested: counted with its outer list
    setUp(lists[l]);
  }
  function setUp(list) {
    var boxes = Array.prototype.slice.call(list.querySelectorAll('input[type="checkbox"]'));
    var seen = {};
    var ids = boxes.map(function (box) {
      var label = box.labels && box.labels[0];
      var id = hash((label ? label.textContent : '').replace(/\s+/g, ' ').trim());
      seen[id] = (seen[id] || 0) + 1;
      return seen[id] > 1 ? id + '~' + seen[id] : id;
    });
    var bar = document.createElement('p');
    bar.className = 'checklist-status';
    var count = document.createElement('span');
    count.setAttribute('aria-live', 'polite');
    var reset = document.createElement('button');
    reset.type = 'button';
    reset.textContent = t.tReset || 'Reset';
    bar.appendChild(count);
    bar.appendChild(document.createTextNode(' '));
    bar.appendChild(reset);
    list.parentNode.insertBefore(bar, list.nextSibling);
    function update() {
      var done = boxes.filter(function (b) { return b.checked; }).length;
      count.textContent = (t.tProgress || '{done}/{total}').replace('{done}', done).replace('{total}', boxes.length);
    }
    boxes.forEach(function (box, i) {
      if (Object.prototype.hasOwnProperty.call(saved, ids[i])) box.checked = !!saved[ids[i]];
      box.addEventListener('change', function () {
        saved[ids[i]] = box.checked;
        store();
        update();
      });
    });
    reset.addEventListener('click', function () {
      boxes.forEach(function (box, i) {
        delete saved[ids[i]];
        box.checked = box.defaultChecked;
      });
      store();
      update();
    });
    update();
  }
})();
