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

  return {history: history};
}());
