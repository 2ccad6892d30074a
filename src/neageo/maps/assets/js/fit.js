/* neageo fit: screen-space geometry for placing labels inside their own area.  Polygons are lists of
   rings of [x, y] container pixels (the first ring the outline, the others holes).  clip() keeps the
   part of a polygon inside the view, pole() finds its pole of inaccessibility (the point farthest
   from every edge, as mapbox's polylabel does), and boxInside() tells whether a label's box lies
   wholly inside a polygon.  Pure functions: node's test runner checks them. */
(function (neageo) {
  "use strict";
  var pointIn = neageo.pointIn;

  /** Sutherland-Hodgman: a ring clipped to the rectangle [x1, y1, x2, y2] (a convex clip). */
  function clipRing(ring, r) {
    var out = ring;
    var edges = [
      function (p) { return p[0] >= r[0]; }, function (p) { return p[0] <= r[2]; },
      function (p) { return p[1] >= r[1]; }, function (p) { return p[1] <= r[3]; }];
    var cut = [
      function (a, b) { return at(a, b, 0, r[0]); }, function (a, b) { return at(a, b, 0, r[2]); },
      function (a, b) { return at(a, b, 1, r[1]); }, function (a, b) { return at(a, b, 1, r[3]); }];
    function at(a, b, axis, v) {
      var t = (v - a[axis]) / (b[axis] - a[axis]);
      return axis === 0 ? [v, a[1] + t * (b[1] - a[1])] : [a[0] + t * (b[0] - a[0]), v];
    }
    for (var e = 0; e < 4 && out.length; e++) {
      var input = out, keep = edges[e];
      out = [];
      for (var i = 0; i < input.length; i++) {
        var cur = input[i], prev = input[(i + input.length - 1) % input.length];
        if (keep(cur)) {
          if (!keep(prev)) { out.push(cut[e](prev, cur)); }
          out.push(cur);
        } else if (keep(prev)) {
          out.push(cut[e](prev, cur));
        }
      }
    }
    return out.length >= 3 ? out : [];
  }
  /** The part of a polygon inside the rectangle (null when none of its outline is). */
  function clip(polygon, rect) {
    var outer = clipRing(polygon[0], rect);
    if (!outer.length) { return null; }
    var out = [outer];
    for (var i = 1; i < polygon.length; i++) {
      var hole = clipRing(polygon[i], rect);
      if (hole.length) { out.push(hole); }
    }
    return out;
  }

  /** Signed distance from (x, y) to a polygon's outline: positive inside, negative outside. */
  function signedDist(x, y, polygon) {
    var inside = false, best = Infinity;
    for (var k = 0; k < polygon.length; k++) {
      var ring = polygon[k];
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[i], b = ring[j];
        if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) { inside = !inside; }
        best = Math.min(best, segDist2(x, y, a, b));
      }
    }
    return (inside ? 1 : -1) * Math.sqrt(best);
  }
  function segDist2(x, y, a, b) {
    var dx = b[0] - a[0], dy = b[1] - a[1], t = 0;
    if (dx || dy) { t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy))); }
    var ex = a[0] + t * dx - x, ey = a[1] + t * dy - y;
    return ex * ex + ey * ey;
  }

  /** The pole of inaccessibility of a polygon to within `precision` pixels: {x, y, d} (d: distance
      to the nearest edge).  Cells are split best first, as in mapbox/polylabel. */
  function pole(polygon, precision) {
    precision = precision || 1;
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    polygon[0].forEach(function (p) {
      x1 = Math.min(x1, p[0]); y1 = Math.min(y1, p[1]); x2 = Math.max(x2, p[0]); y2 = Math.max(y2, p[1]);
    });
    var w = x2 - x1, hgt = y2 - y1, size = Math.min(w, hgt);
    if (!(size > 0)) { return {x: x1, y: y1, d: 0}; }
    function cell(x, y, hs) {
      var d = signedDist(x, y, polygon);
      return {x: x, y: y, h: hs, d: d, max: d + hs * Math.SQRT2};
    }
    var queue = [];
    function push(c) {  /* a binary heap on max, largest first */
      queue.push(c);
      for (var i = queue.length - 1; i > 0;) {
        var up = (i - 1) >> 1;
        if (queue[up].max >= queue[i].max) { break; }
        var t = queue[up]; queue[up] = queue[i]; queue[i] = t; i = up;
      }
    }
    function pop() {
      var top = queue[0], last = queue.pop();
      if (queue.length) {
        queue[0] = last;
        for (var i = 0; ;) {
          var l = 2 * i + 1, r = l + 1, m = i;
          if (l < queue.length && queue[l].max > queue[m].max) { m = l; }
          if (r < queue.length && queue[r].max > queue[m].max) { m = r; }
          if (m === i) { break; }
          var t = queue[m]; queue[m] = queue[i]; queue[i] = t; i = m;
        }
      }
      return top;
    }
    var hs = size / 2;
    for (var x = x1; x < x2; x += size) {
      for (var y = y1; y < y2; y += size) { push(cell(x + hs, y + hs, hs)); }
    }
    var best = centroidCell(polygon, cell), box = cell(x1 + w / 2, y1 + hgt / 2, 0);
    if (box.d > best.d) { best = box; }
    var guard = 0;
    while (queue.length && guard++ < 20000) {
      var c = pop();
      if (c.d > best.d) { best = c; }
      if (c.max - best.d <= precision) { continue; }
      hs = c.h / 2;
      push(cell(c.x - hs, c.y - hs, hs)); push(cell(c.x + hs, c.y - hs, hs));
      push(cell(c.x - hs, c.y + hs, hs)); push(cell(c.x + hs, c.y + hs, hs));
    }
    return {x: best.x, y: best.y, d: best.d};
  }
  function centroidCell(polygon, cell) {
    var area = 0, x = 0, y = 0, ring = polygon[0];
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j], f = a[0] * b[1] - b[0] * a[1];
      x += (a[0] + b[0]) * f; y += (a[1] + b[1]) * f; area += f * 3;
    }
    return area ? cell(x / area, y / area, 0) : cell(ring[0][0], ring[0][1], 0);
  }

  /** Whether segment ab meets the rectangle [x1, y1, x2, y2] (Liang-Barsky). */
  function segHitsBox(a, b, r) {
    /* most edges of a large area are nowhere near the box */
    if ((a[0] < r[0] && b[0] < r[0]) || (a[0] > r[2] && b[0] > r[2]) || (a[1] < r[1] && b[1] < r[1]) || (a[1] > r[3] && b[1] > r[3])) {
      return false;
    }
    var t0 = 0, t1 = 1, dx = b[0] - a[0], dy = b[1] - a[1];
    var p = [-dx, dx, -dy, dy], q = [a[0] - r[0], r[2] - a[0], a[1] - r[1], r[3] - a[1]];
    for (var i = 0; i < 4; i++) {
      if (p[i] === 0) {
        if (q[i] < 0) { return false; }
      } else {
        var t = q[i] / p[i];
        if (p[i] < 0) { if (t > t1) { return false; } t0 = Math.max(t0, t); } else { if (t < t0) { return false; } t1 = Math.min(t1, t); }
      }
    }
    return true;
  }
  /** Whether the box [x1, y1, x2, y2] lies wholly inside the polygon: its centre inside, no edge through it. */
  function boxInside(box, polygon) {
    /* its middle inside, and no edge through it (an edge touching the middle crosses the box too) */
    if (!pointIn((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, polygon)) { return false; }
    for (var k = 0; k < polygon.length; k++) {
      var ring = polygon[k];
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        if (segHitsBox(ring[j], ring[i], box)) { return false; }
      }
    }
    return true;
  }
  /** Where a w x h label fits inside a (visible) polygon, and ok(box) if given: the pole, then spots
      around it; null if nowhere. */
  function fitBox(polygon, w, h, ok) {
    var c = pole(polygon, 2);
    if (!(c.d > 0)) { return null; }
    var tries = [[0, 0], [0, -h / 2], [0, h / 2], [-w / 4, 0], [w / 4, 0], [-w / 2, 0], [w / 2, 0], [0, -h], [0, h]];
    for (var i = 0; i < tries.length; i++) {
      var x = c.x + tries[i][0], y = c.y + tries[i][1], b = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
      if (boxInside(b, polygon) && (!ok || ok(b))) { return {x: x, y: y, box: b}; }
    }
    return null;
  }

  var api = {clipRing: clipRing, clip: clip, signedDist: signedDist, pole: pole, segHitsBox: segHitsBox,
    boxInside: boxInside, pointIn: pointIn, fitBox: fitBox};
  neageo.fit = api;
  if (typeof module === "object" && module.exports) { module.exports = api; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
