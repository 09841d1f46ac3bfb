/* Pollution Source Map: a section's class history as a small inline SVG chart.
 *
 * Years across, classes I (top) to 劣V (bottom) as bands in the class colours,
 * one dot per year in its class colour, the target as a dashed line (above it the
 * target is met).  No chart library; text goes in through textContent only.
 */
var PSMChart = (function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); }
    }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  /* hist: [[year, class 1..6 or 0], …]; target: class or null; classInfo(v) gives
   * {roman, colour}; title and targetLabel are the page's words. */
  function history(hist, target, classInfo, title, targetLabel) {
    var W = 270, H = 132, L0 = 34, R = 10, T0 = 6, B = 22;
    var pw = W - L0 - R, ph = H - T0 - B, n = hist.length, band = ph / 6;
    var root = svg('svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H,
      'class': 'psm-chart', role: 'img'});
    svg('title', {}, root).textContent = title;
    for (var c = 1; c <= 6; c++) {
      var y0 = T0 + (c - 1) * band;
      svg('rect', {x: L0, y: y0, width: pw, height: band, fill: classInfo(c).colour,
        'fill-opacity': 0.18}, root);
      svg('text', {x: L0 - 4, y: y0 + band / 2 + 4, 'text-anchor': 'end',
        'font-size': 10, fill: '#333'}, root).textContent = classInfo(c).roman;
    }
    function xAt(i) { return L0 + pw * (i + 0.5) / n; }
    function yAt(v) { return T0 + (v - 0.5) * band; }
    if (target) {
      var yt = T0 + target * band;
      svg('line', {x1: L0, x2: L0 + pw, y1: yt, y2: yt, stroke: '#222',
        'stroke-dasharray': '4 3', 'stroke-width': 1.2, 'class': 'psm-chart-target'}, root);
      svg('text', {x: L0 + pw - 2, y: yt - 3, 'text-anchor': 'end', 'font-size': 9,
        fill: '#222'}, root).textContent = targetLabel + ' ' + classInfo(target).roman;
    }
    var pts = [], step = Math.max(1, Math.ceil(n / 8)), i, v;
    for (i = 0; i < n; i++) {
      v = hist[i][1];
      if (i % step === 0 || i === n - 1) {
        svg('text', {x: xAt(i), y: H - 6, 'text-anchor': 'middle', 'font-size': 9,
          fill: '#333'}, root).textContent = String(hist[i][0]);
      }
      if (v) { pts.push(xAt(i).toFixed(1) + ',' + yAt(v).toFixed(1)); }
    }
    if (pts.length > 1) {
      svg('polyline', {points: pts.join(' '), fill: 'none', stroke: '#555',
        'stroke-width': 1.2}, root);
    }
    for (i = 0; i < n; i++) {
      v = hist[i][1];
      if (!v) { continue; }
      var dot = svg('circle', {cx: xAt(i), cy: yAt(v), r: 4.2, fill: classInfo(v).colour,
        stroke: '#222', 'stroke-width': 0.8, 'class': 'psm-chart-dot'}, root);
      svg('title', {}, dot).textContent = hist[i][0] + ': ' + classInfo(v).roman;
    }
    return root;
  }

  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var e = Math.pow(10, Math.floor(Math.log(v) / Math.LN10)), f = v / e;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
  }

  function fmtN(v) {
    if (v === null || v === undefined) { return ''; }
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : (a >= 1 ? String(Math.round(v * 100) / 100) :
      String(Math.round(v * 1000) / 1000));
  }

  /* One item over the years: GB 3838 class bands (I..V, 劣V above/below), the target's
   * limit dashed, one dot per year (hollow with "ND" when every sample was a
   * non-detect), the trend verdict under it.  s: {p, name, unit, rule, limits, target,
   * years, v, nd, trend}; classInfo(c) gives the class colours; words: the page's. */
  function item(s, classInfo, words) {
    var W = 270, H = 150, L0 = 40, R = 8, T0 = 8, B = 22;
    var pw = W - L0 - R, ph = H - T0 - B, n = s.years.length, i;
    var box = document.createElement('div');
    box.className = 'psm-item-chart';
    var root = svg('svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H,
      'class': 'psm-chart psm-chart-item', role: 'img', 'data-item': s.p}, box);
    svg('title', {}, root).textContent = s.name + (s.unit ? ' (' + s.unit + ')' : '');
    var vmax = 0;
    for (i = 0; i < n; i++) { if (s.v[i] !== null && s.v[i] > vmax) { vmax = s.v[i]; } }
    var lims = s.rule === 'range' ? [] : s.limits;
    var top = niceMax(Math.max(vmax * 1.1, (s.target || 0) * 1.1, !lims.length ? 0 :
      (s.rule === 'ge' ? lims[0] * 1.1 : lims[Math.min(lims.length - 1, 3)])));
    function yAt(v) { return T0 + ph * (1 - Math.min(v, top) / top); }
    function xAt(k) { return L0 + pw * (k + 0.5) / Math.max(n, 1); }
    if (lims.length) {  // class bands: "le" items I at the bottom, "ge" (DO) I at the top
      var ge = s.rule === 'ge';
      var edges = [0].concat(ge ? lims.slice().reverse() : lims).concat([top]);
      for (var c = 0; c < edges.length - 1; c++) {
        var lo = Math.min(edges[c], top), hi = Math.min(edges[c + 1], top);
        if (hi <= lo) { continue; }
        var cls = ge ? 6 - c : c + 1;
        svg('rect', {x: L0, y: yAt(hi), width: pw, height: yAt(lo) - yAt(hi),
          fill: classInfo(cls).colour, 'fill-opacity': 0.2, 'class': 'psm-band',
          'data-class': cls}, root);
      }
    }
    [0, top / 2, top].forEach(function (v) {
      svg('text', {x: L0 - 4, y: yAt(v) + 3, 'text-anchor': 'end', 'font-size': 9,
        fill: '#333'}, root).textContent = fmtN(v);
    });
    if (s.target !== null && s.target !== undefined) {
      var yt = yAt(s.target);
      svg('line', {x1: L0, x2: L0 + pw, y1: yt, y2: yt, stroke: '#222', 'stroke-width': 1.2,
        'stroke-dasharray': '4 3', 'class': 'psm-chart-target'}, root);
      svg('text', {x: L0 + pw - 2, y: yt - 3, 'text-anchor': 'end', 'font-size': 9,
        fill: '#222'}, root).textContent = words.target_limit + ' ' + fmtN(s.target);
    }
    var pts = [], step = Math.max(1, Math.ceil(n / 6));
    for (i = 0; i < n; i++) {
      if (i % step === 0 || i === n - 1) {
        svg('text', {x: xAt(i), y: H - 6, 'text-anchor': 'middle', 'font-size': 9,
          fill: '#333'}, root).textContent = String(s.years[i]);
      }
      if (s.v[i] !== null) { pts.push(xAt(i).toFixed(1) + ',' + yAt(s.v[i]).toFixed(1)); }
    }
    if (pts.length > 1) {
      svg('polyline', {points: pts.join(' '), fill: 'none', stroke: '#555',
        'stroke-width': 1.2}, root);
    }
    for (i = 0; i < n; i++) {
      if (s.v[i] === null) { continue; }
      var nd = s.nd[i];
      var dot = svg('circle', {cx: xAt(i), cy: yAt(s.v[i]), r: 3.6,
        fill: nd ? '#fff' : '#2b6f9e', stroke: '#222', 'stroke-width': 1,
        'class': nd ? 'psm-item-nd' : 'psm-item-dot'}, root);
      svg('title', {}, dot).textContent = s.years[i] + ': ' + (nd ? words.non_detect :
        fmtN(s.v[i]) + (s.unit ? ' ' + s.unit : ''));
      if (nd) {
        svg('text', {x: xAt(i), y: yAt(s.v[i]) - 6, 'text-anchor': 'middle',
          'font-size': 8, fill: '#333', 'class': 'psm-nd-label'}, root).textContent = 'ND';
      }
    }
    var cap = document.createElement('p');
    cap.className = 'psm-trend';
    cap.textContent = words.trend + ': ' + (s.trend || '\u2014');
    box.appendChild(cap);
    return box;
  }

  /* A select of the section's items and the chosen item's chart. */
  function items(series, classInfo, words) {
    var box = document.createElement('div');
    box.className = 'psm-items';
    var sel = document.createElement('select');
    sel.className = 'psm-item-select';
    sel.setAttribute('aria-label', words.item);
    var holder = document.createElement('div');
    var first = 0;
    series.forEach(function (s, k) {
      var o = document.createElement('option');
      o.value = String(k);
      o.textContent = s.name;
      sel.appendChild(o);
      if (s.p === 'CODMn' || s.p === 'NH3N') { first = first || k; }
    });
    function show(k) {
      holder.textContent = '';
      holder.appendChild(item(series[k], classInfo, words));
    }
    sel.value = String(first);
    sel.addEventListener('change', function () { show(Number(sel.value)); });
    box.appendChild(sel);
    box.appendChild(holder);
    show(first);
    return box;
  }

  /* The river's share of I–III (bars) and of 劣V (red bars) by year, with the trend. */
  function share(d, words) {
    var W = 360, H = 150, L0 = 30, R = 8, T0 = 8, B = 22;
    var pw = W - L0 - R, ph = H - T0 - B, n = d.years.length, bw = pw / Math.max(n, 1);
    var box = document.createElement('div');
    var root = svg('svg', {width: '100%', height: H, viewBox: '0 0 ' + W + ' ' + H,
      'class': 'psm-chart psm-chart-share', role: 'img'}, box);
    svg('title', {}, root).textContent = words.share_chart;
    [0, 50, 100].forEach(function (v) {
      var y = T0 + ph * (1 - v / 100);
      svg('line', {x1: L0, x2: L0 + pw, y1: y, y2: y, stroke: '#ccc'}, root);
      svg('text', {x: L0 - 3, y: y + 3, 'text-anchor': 'end', 'font-size': 9}, root)
        .textContent = v + '%';
    });
    for (var i = 0; i < n; i++) {
      var x = L0 + i * bw, g = d.good[i], b = d.bad[i];
      var r1 = svg('rect', {x: x + bw * 0.12, width: bw * 0.38, y: T0 + ph * (1 - g / 100),
        height: ph * g / 100, fill: '#2b8cbe', 'class': 'psm-share-good'}, root);
      svg('title', {}, r1).textContent = d.years[i] + ' ' + words.share_good + ' ' + g + '%';
      var r2 = svg('rect', {x: x + bw * 0.5, width: bw * 0.38, y: T0 + ph * (1 - b / 100),
        height: ph * b / 100, fill: '#d62728', 'class': 'psm-share-bad'}, root);
      svg('title', {}, r2).textContent = d.years[i] + ' ' + words.share_bad + ' ' + b + '%';
      svg('text', {x: x + bw / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 9}, root)
        .textContent = String(d.years[i]);
    }
    var leg = document.createElement('p');
    leg.className = 'psm-share-legend';
    [['#2b8cbe', words.share_good], ['#d62728', words.share_bad]].forEach(function (x) {
      var sw = document.createElement('span');
      sw.className = 'psm-sw';
      sw.style.background = x[0];
      leg.appendChild(sw);
      leg.appendChild(document.createTextNode(x[1] + '  '));
    });
    box.appendChild(leg);
    var cap = document.createElement('p');
    cap.className = 'psm-trend';
    cap.textContent = words.trend + ' (' + words.share_good + '): ' + (d.trend || '\u2014');
    box.appendChild(cap);
    return box;
  }

  return {history: history, item: item, items: items, share: share};
}());
