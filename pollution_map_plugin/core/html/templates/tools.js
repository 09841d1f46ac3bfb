/* Pollution Source Map: the reviewer's tools — search and filters, the time slider,
 * sortable and filterable tables with CSV downloads, printing.
 *
 * Database text reaches the DOM through textContent only.  CSV cells that a
 * spreadsheet would run as a formula (= + - @ tab, carriage return) get a leading
 * apostrophe; the file is UTF-8 with a byte-order mark, so Excel reads Chinese.
 */
(function () {
  'use strict';
  var el = function (tag, cls, text) { return PSM.el(tag, cls, text); };

  function stop(div) {
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
  }

  /* ---- search and filters ------------------------------------------------------ */
  var NAMES = {};

  function names(id) {
    if (!NAMES[id]) {
      var sp = PSM.state().specs[id];
      NAMES[id] = {name: sp.props.name ? PSM.values(id, 'name') : [],
        code: sp.props.code ? PSM.values(id, 'code') : []};
    }
    return NAMES[id];
  }

  /* Features whose name contains ``q`` or whose code starts with it (any case). */
  function find(q, limit) {
    var s = PSM.state(), out = [], needle = String(q || '').trim().toLowerCase();
    if (!needle) { return out; }
    var ids = Object.keys(s.specs);
    for (var k = 0; k < ids.length && out.length < limit; k++) {
      var id = ids[k], sp = s.specs[id];
      if (!sp.props || sp.interactive === false) { continue; }
      var nm = names(id), n = Math.max(nm.name.length, nm.code.length);
      for (var i = 0; i < n && out.length < limit; i++) {
        var name = nm.name[i] === null || nm.name[i] === undefined ? '' : String(nm.name[i]);
        var code = nm.code[i] === null || nm.code[i] === undefined ? '' : String(nm.code[i]);
        if (name.toLowerCase().indexOf(needle) >= 0 ||
            code.toLowerCase().indexOf(needle) === 0) {
          out.push({id: id, i: i, name: name, code: code, kind: sp.label});
        }
      }
    }
    return out;
  }

  function numberCol(id, col) {
    var sp = PSM.state().specs[id];
    return sp.props && sp.props[col] ? PSM.values(id, col) : null;
  }

  /* Filters: class, "misses target", district, load above a value. */
  function applyFilters(f) {
    var s = PSM.state(), T = PSM.strings();
    Object.keys(s.specs).forEach(function (id) {
      var sp = s.specs[id], g = s.overlays[id];
      if (sp.layerKind !== 'points' && sp.layerKind !== 'sections') { return; }
      var dist = f.district ? numberCol(id, 'district') : null;
      var load = f.load !== null && f.load !== undefined && f.load !== '' ?
        numberCol(id, f.loadItem) : null;
      var n = sp.n, keep = new Array(n), all = true;
      var cls = sp.layerKind === 'sections' ? (sp.periodCls || sp.quality.cls) : null;
      for (var i = 0; i < n; i++) {
        var ok = true;
        if (dist) { ok = dist[i] === f.district; }
        if (ok && sp.layerKind === 'points' && f.load !== '' && f.load !== null) {
          ok = load !== null && load[i] !== null && Number(load[i]) >= Number(f.load);
        }
        if (ok && cls && f.cls) { ok = cls[i] === Number(f.cls); }
        if (ok && cls && f.miss) {
          var tg = sp.quality.target[i];
          ok = !!(cls[i] && tg && cls[i] > tg);
        }
        if (ok && sp.layerKind === 'points' && (f.cls || f.miss)) { ok = true; }
        keep[i] = ok;
        all = all && ok;
      }
      if (sp.layerKind === 'points') {
        g.setFilter(all ? null : keep);
      } else {
        g.psmMarkers.forEach(function (m, i) {
          if (keep[i] && !g.hasLayer(m)) { g.addLayer(m); }
          if (!keep[i] && g.hasLayer(m)) { g.removeLayer(m); }
        });
      }
    });
    s.filter = f;
    void T;
  }

  function search(map, opts) {
    var T = PSM.strings(), s = PSM.state();
    var ctl = L.control({position: 'topleft'});
    ctl.onAdd = function () {
      var div = L.DomUtil.create('div', 'psm-search leaflet-bar');
      var input = el('input', 'psm-search-input');
      input.type = 'search';
      input.placeholder = T.search_placeholder;
      input.setAttribute('aria-label', T.search_placeholder);
      var list = el('ul', 'psm-search-results');
      list.setAttribute('role', 'listbox');
      div.appendChild(input);
      div.appendChild(list);
      function run() {
        list.textContent = '';
        var hits = find(input.value, 30);
        if (input.value && !hits.length) { list.appendChild(el('li', 'psm-empty', T.none)); }
        hits.forEach(function (h) {
          var li = el('li'), b = el('button', 'psm-search-hit');
          b.type = 'button';
          b.appendChild(el('span', 'psm-search-name', h.name || h.code));
          b.appendChild(el('span', 'psm-sub', (h.code ? h.code + ' \u00b7 ' : '') + h.kind));
          b.addEventListener('click', function () {
            PSM.showFeature(h.id, h.i);
          });
          li.appendChild(b);
          list.appendChild(li);
        });
      }
      input.addEventListener('input', run);
      input.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') {
          var first = list.querySelector('button');
          if (first) { first.click(); }
        }
      });
      div.appendChild(filterBox(opts, T));
      stop(div);
      return div;
    };
    ctl.addTo(map);
    s.find = find;
  }

  function filterBox(opts, T) {
    var det = el('details', 'psm-filters'), sum = el('summary', null, T.filters);
    det.appendChild(sum);
    var f = {cls: '', miss: false, district: '', load: '', loadItem: 'cod_t_a'};
    function select(label, options, key) {
      var lab = el('label', 'psm-filter'), sel = el('select');
      lab.appendChild(el('span', null, label));
      options.forEach(function (o) {
        var op = el('option', null, o[1]);
        op.value = o[0];
        sel.appendChild(op);
      });
      sel.addEventListener('change', function () { f[key] = sel.value; applyFilters(f); });
      sel.setAttribute('data-psm-filter', key);
      lab.appendChild(sel);
      det.appendChild(lab);
      return sel;
    }
    var classes = [['', T.all]];
    for (var c = 1; c <= 6; c++) { classes.push([String(c), PSM.classInfo(c).roman]); }
    select(T['class'], classes, 'cls');
    var miss = el('label', 'psm-filter'), box = el('input');
    box.type = 'checkbox';
    box.setAttribute('data-psm-filter', 'miss');
    box.addEventListener('change', function () { f.miss = box.checked; applyFilters(f); });
    miss.appendChild(box);
    miss.appendChild(el('span', null, T.misses_target_short));
    det.appendChild(miss);
    select(T.district, [['', T.all]].concat((opts.districts || []).map(function (d) {
      return [d, d];
    })), 'district');
    select(T.load_item, [['cod_t_a', 'COD'], ['nh3n_t_a', 'NH\u2083-N'], ['tp_t_a', 'TP']],
      'loadItem');
    var lab = el('label', 'psm-filter'), num = el('input');
    num.type = 'number';
    num.min = '0';
    num.step = 'any';
    num.setAttribute('data-psm-filter', 'load');
    num.addEventListener('change', function () { f.load = num.value; applyFilters(f); });
    lab.appendChild(el('span', null, T.load_above));
    lab.appendChild(num);
    det.appendChild(lab);
    return det;
  }

  /* ---- the time slider ------------------------------------------------------- */
  function timeSlider(map, opts) {
    var s = PSM.state(), T = PSM.strings();
    var sec = s.specs.sections, tl = sec && sec.timeline;
    if (!tl) { return; }
    var freqs = Object.keys(tl).filter(function (k) { return tl[k].labels.length; });
    if (!freqs.length) { return; }
    var ctl = L.control({position: 'bottomleft'});
    var state = {freq: tl[opts.freq] ? opts.freq : freqs[0], p: 0, timer: null};
    var slider, label, sel, play;
    function classes(fq, p) {
      var t = tl[fq], n = sec.n, np = t.labels.length, out = new Array(n);
      for (var i = 0; i < n; i++) { out[i] = t.cls[i * np + p] || 0; }
      return out;
    }
    function show(initial) {
      var t = tl[state.freq], p = state.p;
      var cls = classes(state.freq, p);
      label.textContent = t.labels[p];
      slider.setAttribute('aria-valuetext', t.labels[p]);
      // at start the sections already show the export's period: no redraw
      if (!initial) { PSM.recolourSections(cls, t.labels[p]); }
      s.period = {freq: state.freq, index: p, label: t.labels[p], start: t.starts[p],
        end: t.ends[p], cls: cls};
      if (s.filter) { applyFilters(s.filter); }
      document.dispatchEvent(new CustomEvent('psm-period', {detail: s.period}));
    }
    function setFreq(fq, initial) {
      state.freq = fq;
      var t = tl[fq];
      slider.max = String(t.labels.length - 1);
      var cur = t.labels.indexOf(opts.current && fq === opts.freq ? opts.current : null);
      state.p = cur >= 0 ? cur : t.labels.length - 1;
      slider.value = String(state.p);
      show(initial && cur >= 0);
    }
    function stopPlay() {
      if (state.timer) { clearInterval(state.timer); state.timer = null; }
      play.textContent = '\u25b6';
      play.setAttribute('aria-label', T.play);
    }
    ctl.onAdd = function () {
      var div = L.DomUtil.create('div', 'psm-time leaflet-bar');
      div.setAttribute('role', 'group');
      div.setAttribute('aria-label', T.period);
      sel = el('select', 'psm-time-freq');
      sel.setAttribute('aria-label', T.time_step);
      freqs.forEach(function (fq) {
        var o = el('option', null, T['freq_' + fq]);
        o.value = fq;
        sel.appendChild(o);
      });
      sel.value = state.freq;
      play = el('button', 'psm-time-play', '\u25b6');
      play.type = 'button';
      play.setAttribute('aria-label', T.play);
      slider = el('input', 'psm-time-slider');
      slider.type = 'range';
      slider.min = '0';
      slider.step = '1';
      slider.setAttribute('aria-label', T.period);
      label = el('output', 'psm-time-label');
      div.appendChild(sel);
      div.appendChild(play);
      div.appendChild(slider);
      div.appendChild(label);
      sel.addEventListener('change', function () { stopPlay(); setFreq(sel.value); });
      slider.addEventListener('input', function () {
        state.p = Number(slider.value);
        show();
      });
      play.addEventListener('click', function () {
        if (state.timer) { stopPlay(); return; }
        play.textContent = '\u23f8';
        play.setAttribute('aria-label', T.pause);
        if (state.p >= tl[state.freq].labels.length - 1) { state.p = -1; }
        state.timer = setInterval(function () {
          var last = tl[state.freq].labels.length - 1;
          if (state.p >= last) { stopPlay(); return; }
          state.p += 1;
          slider.value = String(state.p);
          show();
        }, opts.intervalMs || 900);
      });
      stop(div);
      return div;
    };
    ctl.addTo(map);
    setFreq(state.freq, true);
    s.time = {set: function (fq, p) {
      if (fq !== state.freq) { sel.value = fq; setFreq(fq); }
      state.p = p;
      slider.value = String(p);
      show();
    }};
  }

  /* ---- tables ---------------------------------------------------------------- */
  function cellText(td) {
    var v = td.getAttribute('data-sort');
    return v !== null ? v : td.textContent.trim();
  }

  function sortBy(table, col, dir) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (r, k) {
      var t = r.cells[col] ? cellText(r.cells[col]) : '', n = parseFloat(t);
      return {r: r, t: t, n: (t !== '' && isFinite(n) && /^-?[\d.,]+/.test(t)) ? n : null, k: k};
    });
    keyed.sort(function (a, b) {
      var c;
      if (a.n !== null && b.n !== null) { c = a.n - b.n; } else if (a.n !== null) { c = -1; }
      else if (b.n !== null) { c = 1; } else { c = a.t.localeCompare(b.t, 'zh-CN'); }
      return (c || a.k - b.k) * dir;
    });
    keyed.forEach(function (x) { body.appendChild(x.r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, k) {
      th.setAttribute('aria-sort', k === col ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }

  function visible(r) { return !r.hasAttribute('data-psm-out'); }

  function refreshRow(r) {
    var out = r.getAttribute('data-psm-out-text') === '1' ||
      r.getAttribute('data-psm-out-period') === '1';
    if (out) { r.setAttribute('data-psm-out', '1'); } else { r.removeAttribute('data-psm-out'); }
  }

  /* A spreadsheet would run a cell starting with = + - @ tab or CR as a formula. */
  function csvCell(v) {
    var s = String(v === null || v === undefined ? '' : v);
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
    return '"' + s.replace(/"/g, '""') + '"';
  }

  function csvText(table) {
    var lines = [];
    var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return csvCell(th.getAttribute('data-label') || th.textContent.trim());
    });
    lines.push(head.join(','));
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      if (!visible(r)) { return; }
      lines.push(Array.prototype.map.call(r.cells, function (td) {
        var v = td.getAttribute('data-csv');
        return csvCell(v !== null ? v : td.innerText.replace(/\s*\n\s*/g, ' ').trim());
      }).join(','));
    });
    return '\ufeff' + lines.join('\r\n') + '\r\n';
  }

  function download(name, text) {
    var blob = new Blob([text], {type: 'text/csv;charset=utf-8'});
    var a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function enhance(table, T) {
    var name = table.getAttribute('data-psm-table');
    var bar = el('div', 'psm-table-tools');
    var input = el('input', 'psm-table-filter');
    input.type = 'search';
    input.placeholder = T.filter_rows;
    input.setAttribute('aria-label', T.filter_rows);
    var btn = el('button', 'psm-csv', T.download_csv);
    btn.type = 'button';
    bar.appendChild(input);
    bar.appendChild(btn);
    table.parentNode.parentNode.insertBefore(bar, table.parentNode);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.setAttribute('data-psm-out-text',
          q && r.textContent.toLowerCase().indexOf(q) < 0 ? '1' : '0');
        refreshRow(r);
      });
    });
    btn.addEventListener('click', function () {
      download((table.getAttribute('data-psm-file') || name) + '.csv', csvText(table));
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, k) {
      var b = el('button', 'psm-sort', th.textContent);
      b.type = 'button';
      th.setAttribute('data-label', th.textContent);
      th.textContent = '';
      th.appendChild(b);
      th.setAttribute('aria-sort', 'none');
      b.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        sortBy(table, k, dir);
      });
    });
  }

  /* Tables follow the period: warnings of the period only, section classes of it. */
  function followPeriod(e) {
    var p = e.detail, T = PSM.strings();
    document.querySelectorAll('tr[data-psm-date]').forEach(function (r) {
      var d = r.getAttribute('data-psm-date');
      r.setAttribute('data-psm-out-period', d < p.start || d > p.end ? '1' : '0');
      refreshRow(r);
    });
    document.querySelectorAll('tr[data-psm-deadline]').forEach(function (r) {
      var d = r.getAttribute('data-psm-deadline');
      r.classList.toggle('psm-due', !!d && d >= p.start && d <= p.end);
      r.classList.toggle('psm-overdue', !!d && d < p.start && r.getAttribute('data-psm-open') === '1');
    });
    var sec = PSM.state().specs.sections;
    document.querySelectorAll('tr[data-psm-feature^="sections:"]').forEach(function (r) {
      var i = Number(r.getAttribute('data-psm-feature').split(':')[1]);
      var c = p.cls[i], tg = sec.quality.target[i];
      var cell = r.querySelector('.psm-cls-cell'), meets = r.querySelector('.psm-meets-cell');
      if (cell) {
        cell.textContent = '';
        cell.appendChild(PSM.badge(c));
        cell.setAttribute('data-sort', String(c || 99));
      }
      if (meets) {
        var miss = !!(c && tg && c > tg);
        meets.textContent = !c ? T.no_data : (!tg ? T.no_target : (miss ? T.no : T.yes));
        meets.classList.toggle('psm-miss', miss);
      }
    });
    document.querySelectorAll('[data-psm-count-for]').forEach(function (span) {
      var t = document.querySelector('table[data-psm-table="' +
        span.getAttribute('data-psm-count-for') + '"]');
      if (!t) { return; }
      var n = Array.prototype.filter.call(t.tBodies[0].rows, function (r) {
        return r.getAttribute('data-psm-out-period') !== '1';
      }).length;
      span.textContent = '(' + n + ')';
    });
    document.querySelectorAll('.psm-period-now').forEach(function (s) { s.textContent = p.label; });
  }

  function tables(map) {
    var T = PSM.strings(), cfg = PSM.state().config;
    var shareBox = document.getElementById('psm-share-chart');
    if (shareBox && cfg.share) { shareBox.appendChild(PSMChart.share(cfg.share, T)); }
    document.querySelectorAll('table[data-psm-table]').forEach(function (t) { enhance(t, T); });
    document.addEventListener('psm-period', followPeriod);
    document.querySelectorAll('a.psm-licences-link').forEach(function (a) {
      a.addEventListener('click', function () {
        var d = document.getElementById('psm-licences');
        if (d) { d.open = true; }
      });
    });
    window.addEventListener('beforeprint', function () { map.invalidateSize(); });
    window.addEventListener('afterprint', function () { map.invalidateSize(); });
  }

  PSM.search = search;
  PSM.find = find;
  PSM.applyFilters = applyFilters;
  PSM.timeSlider = timeSlider;
  PSM.tables = tables;
  PSM.csvText = csvText;
  PSM.csvCell = csvCell;
}());
