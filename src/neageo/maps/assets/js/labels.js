/* neageo labels: names on the map as HTML text in a pane of their own, placed by priority so that
   no two overlap and none covers a control, a marker or a point symbol of the same or higher rank.
   Points try eight spots around the symbol, areas their anchor, lines a straight enough stretch
   near their middle (rotated along it).  A label with no room waits for a closer zoom. */
(function (neageo) {
  "use strict";

  /** A uniform grid of screen boxes [x1, y1, x2, y2] for overlap queries in near-constant time. */
  function Grid(cell) {
    this.cell = cell || 64;
    this.cells = new Map();
  }
  /* a cell's key: cells from -1024 to 3071 on each axis (a view far larger than any screen) */
  function cellKey(gx, gy) { return (gx + 1024) * 4096 + (gy + 1024); }
  Grid.prototype = {
    add: function (b, owner) {
      var c = this.cell, item = {b: b, owner: owner};
      for (var gx = Math.floor(b[0] / c); gx <= Math.floor(b[2] / c); gx++) {
        for (var gy = Math.floor(b[1] / c); gy <= Math.floor(b[3] / c); gy++) {
          var k = cellKey(gx, gy), list = this.cells.get(k);
          if (list) { list.push(item); } else { this.cells.set(k, [item]); }
        }
      }
    },
    /** Whether b overlaps a box in the grid (boxes owned by `except` do not count). */
    hits: function (b, except) {
      var c = this.cell;
      for (var gx = Math.floor(b[0] / c); gx <= Math.floor(b[2] / c); gx++) {
        for (var gy = Math.floor(b[1] / c); gy <= Math.floor(b[3] / c); gy++) {
          var list = this.cells.get(cellKey(gx, gy));
          if (!list) { continue; }
          for (var i = 0; i < list.length; i++) {
            var o = list[i].b;
            if (list[i].owner !== except && b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) { return true; }
          }
        }
      }
      return false;
    }
  };

  /** Candidate centres for a label w x h beside a point symbol of radius r at c (r = 0: on the anchor). */
  function candidates(c, r, w, h) {
    if (!r) { return [[c.x, c.y], [c.x, c.y - h], [c.x, c.y + h]]; }
    return [[c.x + r + w / 2, c.y], [c.x - r - w / 2, c.y], [c.x, c.y - r - h / 2], [c.x, c.y + r + h / 2],
      [c.x + r + w / 2 - 3, c.y - r - h / 2 + 4], [c.x + r + w / 2 - 3, c.y + r + h / 2 - 4],
      [c.x - r - w / 2 + 3, c.y - r - h / 2 + 4], [c.x - r - w / 2 + 3, c.y + r + h / 2 - 4],
      /* a second ring, a line further out, for a symbol crowded by a neighbour's label (Sinuiju by Dandong's) */
      [c.x + r + w / 2 - 3, c.y + r + h * 1.5 - 4], [c.x - r - w / 2 + 3, c.y + r + h * 1.5 - 4],
      [c.x + r + w / 2 - 3, c.y - r - h * 1.5 + 4], [c.x - r - w / 2 + 3, c.y - r - h * 1.5 + 4]];
  }

  function inside(b, size) { return b[0] >= 2 && b[1] >= 2 && b[2] <= size.x - 2 && b[3] <= size.y - 2; }

  var distToSegment = neageo.distToSegment;


  /** A spot along a screen polyline pts for a label w x h: straight enough, inside size, clear of
      blocked(box); tried from the middle outwards.  Returns {c, box, ang} or null. */
  function lineSpot(pts, w, h, size, blocked) {
    var L0 = w + 10, cum = [0];
    for (var i = 1; i < pts.length; i++) { cum.push(cum[i - 1] + Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y)); }
    var total = cum[cum.length - 1];
    if (!(total >= L0)) { return null; }
    function after(d) {
      var lo = 1, hi = cum.length - 1;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (cum[mid] < d) { lo = mid + 1; } else { hi = mid; } }
      return lo;
    }
    function at(d) {
      var j = after(d), seg = cum[j] - cum[j - 1] || 1, t = (d - cum[j - 1]) / seg;
      return {x: pts[j - 1].x + t * (pts[j].x - pts[j - 1].x), y: pts[j - 1].y + t * (pts[j].y - pts[j - 1].y)};
    }
    var step = Math.max(L0 / 3, 12), starts = [];
    for (var s = 0; s + L0 <= total; s += step) { starts.push(s); }
    starts.sort(function (a, b) { return Math.abs(a + L0 / 2 - total / 2) - Math.abs(b + L0 / 2 - total / 2); });
    for (var k = 0; k < starts.length; k++) {
      var a = at(starts[k]), b = at(starts[k] + L0), c = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
      if (c.x < 0 || c.y < 0 || c.x > size.x || c.y > size.y) { continue; }
      /* straight enough: no vertex far from the chord, and the line never runs back along it by more
         than a few pixels (a hairpin whose ends meet near the chord) */
      var dev = 0, ahead = 0, back = false, len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      var ux = (b.x - a.x) / len, uy = (b.y - a.y) / len;
      for (var m = after(starts[k]); m < pts.length && cum[m] < starts[k] + L0; m++) {
        dev = Math.max(dev, distToSegment(pts[m], a, b));
        var along = (pts[m].x - a.x) * ux + (pts[m].y - a.y) * uy;
        back = back || along < ahead - 3;
        ahead = Math.max(ahead, along);
      }
      back = back || len < ahead - 3;
      if (back || dev > Math.max(h * 0.7, 5)) { continue; }
      var ang = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
      if (ang > 90) { ang -= 180; } else if (ang < -90) { ang += 180; }
      var rad = ang * Math.PI / 180, W = w * Math.abs(Math.cos(rad)) + h * Math.abs(Math.sin(rad)),
        H = w * Math.abs(Math.sin(rad)) + h * Math.abs(Math.cos(rad));
      var bx = [c.x - W / 2 - 1, c.y - H / 2 - 1, c.x + W / 2 + 1, c.y + H / 2 + 1];
      if (!inside(bx, size) || blocked(bx)) { continue; }
      return {c: c, box: bx, ang: ang};
    }
    return null;
  }

  /** Labels for every feature of the map's hub that has a label (p.l = [priority, class, lng?, lat?]). */
  neageo.labels = function (map, options) {
    var h = neageo.hub(map), maxChars = options.maxChars || 48;
    h.addMessages(options.messages, options.texts);
    var paneName = "nea-labels";
    if (!map.getPane(paneName)) {
      map.createPane(paneName);
      map.getPane(paneName).className += " leaflet-nea-labels-pane";
    }
    var pane = map.getPane(paneName), labels = [], sorted = false;
    /* runs: how many times the labels were placed (each placement fits every label in view) */
    var api = {labels: labels, runs: 0};
    var homeClasses = options.home || ["country"];
    var obstacleSel = options.obstacles ||
      ".leaflet-control, .nea-time, .leaflet-marker-icon, .leaflet-tooltip:not(.nea-tip)";

    function add(feats) {
      feats.forEach(function (f) {
        if (!f.p.l) { return; }
        labels.push({f: f, pr: f.p.l[0], cls: f.p.l[1], el: null, span: null, w: -1, h: 0, text: null});
      });
      sorted = false;
    }
    add(h.features);
    h.on("features", function (e) { add(e.features); });

    function dom(lb) {
      if (lb.el) { return; }
      var outer = neageo.el("div", "nea-lab hidden nea-lab-" + String(lb.cls).replace(/[^\w-]/g, ""));
      var inner = neageo.el("span");
      outer.appendChild(inner);
      inner.addEventListener("click", function (ev) {
        L.DomEvent.stop(ev);
        /* a symbol under the text is what the pointer is on: it opens (picking, packed.js) */
        var ll = map.mouseEventToLatLng(ev), got = h.pick ? h.pick(ll, 0) : null;
        if (got && got.f !== lb.f && got.f.layer.getLatLng) { h.openAt({latlng: ll, originalEvent: ev}, null); } else if (lb.f.open) { lb.f.open(); }
      });
      pane.appendChild(outer);
      lb.el = outer;
      lb.span = inner;
    }
    /* text is measured on a canvas with each label class's computed font (one probe element per class
       and language), so a label that finds no room never enters the page */
    var fonts = {}, ctx = null;
    function fontOf(cls) {
      var key = cls + "|" + h.lang;
      if (!fonts[key]) { readFonts([cls]); }
      return fonts[key];
    }
    /* the fonts of several label classes in the current language: every probe enters the page at once,
       so the browser computes their style and layout once */
    function readFonts(classes) {
      var probes = classes.filter(function (cls, i) {
        return !fonts[cls + "|" + h.lang] && classes.indexOf(cls) === i;
      }).map(function (cls) {
        var probe = neageo.el("div", "nea-lab nea-lab-" + String(cls).replace(/[^\w-]/g, ""));
        var span = neageo.el("span", null, "Mg");
        span.lang = h.lang;
        probe.appendChild(span);
        pane.appendChild(probe);
        return {cls: cls, probe: probe, span: span};
      });
      probes.forEach(function (x) {
        var cs = getComputedStyle(x.span);
        fonts[x.cls + "|" + h.lang] = {font: cs.fontStyle + " " + cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily,
          spacing: parseFloat(cs.letterSpacing) || 0, upper: cs.textTransform === "uppercase", h: x.span.offsetHeight,
          pad: (parseFloat(cs.paddingLeft) || 0) + (parseFloat(cs.paddingRight) || 0)};
      });
      probes.forEach(function (x) { pane.removeChild(x.probe); });
    }
    /* each label's text now (cheap); its width is measured when a spot is sought (measureText is not) */
    function texts(list) {
      list.forEach(function (lb) {
        var t = neageo.cap(h.labelOf(lb.f), maxChars);
        if (t === lb.text && lb.w >= 0) { return; }
        lb.text = t;
        lb.w = -1;
        lb.h = fontOf(lb.cls).h;
        if (lb.span) { lb.span.textContent = t; lb.span.lang = h.lang; }
      });
    }
    function measure(lb) {
      if (lb.w >= 0) { return; }
      ctx = ctx || document.createElement("canvas").getContext("2d");
      var f = fontOf(lb.cls), shown = f.upper ? lb.text.toUpperCase() : lb.text;
      ctx.font = f.font;
      lb.w = Math.ceil(ctx.measureText(shown).width + f.spacing * shown.length + f.pad);
    }
    /* whether a point's label could fit at any spot even at its narrowest (its padding, no text: every
       label's box is at least that wide): a wider box at the same spot contains the narrow one, so if
       every narrow box is taken, every real one is too, and the label is neither measured nor tried
       (thousands of crowded points) */
    function mightFit(c, r, lb, size, blocked) {
      var w = fontOf(lb.cls).pad + 2, hgt = lb.h;
      return candidates(c, r, w, hgt).some(function (q) {
        var bx = [q[0] - w / 2, q[1] - hgt / 2, q[0] + w / 2, q[1] + hgt / 2];
        return inside(bx, size) && !blocked(bx);
      });
    }
    function show(lb) {
      dom(lb);
      if (lb.span.textContent !== lb.text) { lb.span.textContent = lb.text; }
      lb.span.lang = h.lang;
    }
    function obstacles(grid) {
      var mb = map.getContainer().getBoundingClientRect();
      map.getContainer().querySelectorAll(obstacleSel).forEach(function (c) {
        if (pane.contains(c)) { return; }
        var r = c.getBoundingClientRect();
        if (r.width && r.height) {
          grid.add([r.left - mb.left - 2, r.top - mb.top - 2, r.right - mb.left + 2, r.bottom - mb.top + 2], null);
        }
      });
    }
    function anchor(f) {
      if (isArea(f)) { return null; }
      if (f.p.l.length > 2) { return L.latLng(f.p.l[3], f.p.l[2]); }
      return f.layer.getLatLng ? f.layer.getLatLng() : null;
    }
    function isArea(f) { return f.layer instanceof L.Polygon; }
    /* an area's polygons in projected pixels at a zoom (cached per feature and zoom) */
    function projected(f, z) {
      if (f._px && f._px.z === z) { return f._px.polys; }
      var lls = f.layer.getLatLngs(), polys = (lls.length && lls[0].length && lls[0][0].lat !== undefined) ? [lls] : lls;
      polys = polys.map(function (rings) {
        return rings.map(function (r) {
          /* vertices closer than a pixel and a half to the last one kept add nothing at this zoom */
          var out = [];
          r.forEach(function (ll) {
            var p = map.project(ll, z), last = out[out.length - 1];
            if (!last || Math.abs(p.x - last[0]) + Math.abs(p.y - last[1]) > 1.5) { out.push([p.x, p.y]); }
          });
          return out;
        }).filter(function (r) { return r.length >= 3; });
      }).filter(function (rings) { return rings.length; });
      f._px = {z: z, polys: polys};
      return polys;
    }
    /* the visible parts of an area in container pixels, largest first */
    function visibleParts(f, size) {
      var z = map.getZoom(), o = map.getPixelBounds().min, rect = [2, 2, size.x - 2, size.y - 2], out = [];
      projected(f, z).forEach(function (rings) {
        var moved = rings.map(function (r) { return r.map(function (p) { return [p[0] - o.x, p[1] - o.y]; }); });
        var part = neageo.fit.clip(moved, rect);
        if (part) { out.push({poly: part, area: Math.abs(ringArea(part[0]))}); }
      });
      out.sort(function (a, b) { return b.area - a.area; });
      return out;
    }
    function ringArea(r) {
      var s = 0;
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) { s += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]); }
      return s / 2;
    }
    /* a label inside its own area, clear of others: the build's anchor if the label fits there, else
       the pole of inaccessibility of the visible part (or a spot near it); null when it fits nowhere */
    function areaSpot(f, w, hgt, size, blocked) {
      var parts = visibleParts(f, size);
      for (var i = 0; i < parts.length && i < 4; i++) {
        var poly = parts[i].poly;
        if (parts[i].area < w * hgt) { break; }
        if (f.p.l.length > 2) {
          var c = map.latLngToContainerPoint(L.latLng(f.p.l[3], f.p.l[2]));
          var b = [c.x - w / 2, c.y - hgt / 2, c.x + w / 2, c.y + hgt / 2];
          if (neageo.fit.boxInside(b, poly) && !blocked(b)) { return {c: c, box: b, ang: 0}; }
        }
        var s = neageo.fit.fitBox(poly, w, hgt, function (bx) { return !blocked(bx); });
        if (s) { return {c: {x: s.x, y: s.y}, box: s.box, ang: 0}; }
      }
      return null;
    }
    /* the areas (of the label classes in `home`) a point lies in: its label may not reach into another */
    function homeAreas() {
      return h.features.filter(function (f) {
        return f.p.l && homeClasses.indexOf(f.p.l[1]) >= 0 && isArea(f) && h.layerOn(f.lay.id);
      });
    }
    /* whether a projected pixel point lies in an area (its polygons simplified at the current zoom) */
    function inArea(f, px) {
      var z = map.getZoom(), polys = projected(f, z);
      if (!f._px.boxes) {
        f._px.boxes = polys.map(function (rings) {
          var b = [Infinity, Infinity, -Infinity, -Infinity];
          rings[0].forEach(function (q) { b = [Math.min(b[0], q[0]), Math.min(b[1], q[1]), Math.max(b[2], q[0]), Math.max(b[3], q[1])]; });
          return b;
        });
      }
      var boxes = f._px.boxes;
      return polys.some(function (rings, i) {
        var b = boxes[i];
        return px[0] >= b[0] && px[0] <= b[2] && px[1] >= b[1] && px[1] <= b[3] && neageo.fit.pointIn(px[0], px[1], rings);
      });
    }
    /* a label leaves home when its middle, or two of its corners, lie in another country (a corner
       may graze a border line that bends past the symbol) */
    function leavesHome(areas, own, bx) {
      var o = map.getPixelBounds().min;
      function abroad(q) {
        var px = [q[0] + o.x, q[1] + o.y];
        return areas.some(function (ar) { return own.indexOf(ar) < 0 && inArea(ar, px); });
      }
      if (abroad([(bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2])) { return true; }
      return [[bx[0], bx[1]], [bx[2], bx[1]], [bx[0], bx[3]], [bx[2], bx[3]]].filter(abroad).length >= 2;
    }

    function place() {
      /* the layout the browser needs for the newly drawn paths comes first, outside the timing: the
         obstacles below read it, and the frame would compute it anyway */
      map.getContainer().getBoundingClientRect();
      var t0 = performance.now();
      if (!labels.length) { window.neaLabelMs = 0; return; }
      if (!sorted) {
        labels.sort(function (a, b) {
          return a.pr - b.pr || ((b.f.layer.options.radius || 0) - (a.f.layer.options.radius || 0)) ||
            (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0);
        });
        sorted = true;
      }
      var size = map.getSize(), view = map.getBounds().pad(0.05);
      var grid = new neageo.labelsApi.Grid(64);
      obstacles(grid);
      /* point symbols: kept clear of labels of the same or lower rank (they enter the grid by priority) */
      var marks = [];
      h.features.forEach(function (f) {
        if (f.layer.getLatLng && !f.lay.base && h.visible(f) && view.contains(f.layer.getLatLng())) {
          var c = map.latLngToContainerPoint(f.layer.getLatLng()), r = (f.layer.options.radius || 4) + 1;
          marks.push({f: f, pr: f.p.l ? f.p.l[0] : 5, b: [c.x - r, c.y - r, c.x + r, c.y + r]});
        }
      });
      marks.sort(function (a, b) { return a.pr - b.pr; });
      var want = labels.filter(function (lb) {
        if (!h.visible(lb.f)) { return false; }
        var a = anchor(lb.f);
        return a ? view.contains(a) : view.intersects(lb.f.layer.getBounds());
      });
      var areas = homeAreas();
      readFonts(want.map(function (lb) { return lb.cls; }));
      texts(want);
      var on = {}, shown = {}, mi = 0;
      want.forEach(function (lb) {
        while (mi < marks.length && marks[mi].pr <= lb.pr) { grid.add(marks[mi].b, marks[mi].f); mi++; }
        var f = lb.f, spot = null;
        if (!lb.text || (shown[lb.text] || []).some(function (b) { return near(b, f); })) { return; }
        var blocked = function (bx) { return grid.hits(bx, f); };
        var a = anchor(f);
        if (isArea(f)) {
          measure(lb);
          spot = areaSpot(f, lb.w + 2, lb.h, size, blocked);
        } else if (a) {
          var c = map.latLngToContainerPoint(a), r = f.layer.getLatLng && f.p.l.length <= 2 ? (f.layer.options.radius || 4) + 3 : 0;
          if (!mightFit(c, r, lb, size, blocked)) { return; }
          measure(lb);
          var cands = candidates(c, r, lb.w + 2, lb.h), o = map.getPixelBounds().min;
          var own = areas.filter(function (ar) { return inArea(ar, [c.x + o.x, c.y + o.y]); });
          for (var i = 0; i < cands.length && !spot; i++) {
            var w = lb.w + 2, bx = [cands[i][0] - w / 2, cands[i][1] - lb.h / 2, cands[i][0] + w / 2, cands[i][1] + lb.h / 2];
            if (inside(bx, size) && !blocked(bx) && !leavesHome(areas, own, bx)) {
              spot = {c: {x: cands[i][0], y: cands[i][1]}, box: bx, ang: 0};
            }
          }
          /* a gate on the line itself, crowded on its own side: the map's subject is still named, on
             the first free spot (its own side was tried first) */
          for (var j = 0; j < cands.length && !spot && lb.pr <= 2; j++) {
            var w2 = lb.w + 2, b2 = [cands[j][0] - w2 / 2, cands[j][1] - lb.h / 2, cands[j][0] + w2 / 2, cands[j][1] + lb.h / 2];
            if (inside(b2, size) && !blocked(b2)) { spot = {c: {x: cands[j][0], y: cands[j][1]}, box: b2, ang: 0}; }
          }
        } else if (f.layer.getLatLngs) {
          var rings = flat(f.layer.getLatLngs());
          measure(lb);
          for (var k = 0; k < rings.length && !spot; k++) {
            spot = lineSpot(rings[k].map(function (ll) { return map.latLngToContainerPoint(ll); }), lb.w, lb.h, size, blocked);
          }
        }
        if (!spot) { return; }
        grid.add(spot.box, null);
        (shown[lb.text] = shown[lb.text] || []).push(spot.box);
        show(lb);
        L.DomUtil.setPosition(lb.el, map.containerPointToLayerPoint(L.point(spot.c.x, spot.c.y)).round());
        lb.span.style.transform = "translate(-50%, -50%)" + (spot.ang ? " rotate(" + spot.ang.toFixed(1) + "deg)" : "");
        lb.el.classList.remove("hidden");
        on[lb.f.id] = true;
      });
      labels.forEach(function (lb) { if (lb.el && !on[lb.f.id]) { lb.el.classList.add("hidden"); } });
      window.neaLabelMs = performance.now() - t0;
      h.labelledAt = performance.now();
      api.runs++;
    }
    function flat(lls) { return (lls.length && lls[0].lat !== undefined) ? [lls] : [].concat.apply([], lls.map(flat)); }
    /* the same text already placed close by (two flows to one capital): one label is enough */
    function near(b, f) {
      var ll = anchor(f);
      if (!ll) { return false; }
      var c = map.latLngToContainerPoint(ll);
      return Math.abs((b[0] + b[2]) / 2 - c.x) < 80 && Math.abs((b[1] + b[3]) / 2 - c.y) < 40;
    }

    function refresh() { if (h.ready && !h.holding) { place(); pane.style.visibility = ""; } }
    map.on("zoomstart", function () { pane.style.visibility = "hidden"; });
    map.on("moveend overlayadd overlayremove resize", refresh);
    h.on("refresh", refresh);
    h.on("lang", function () { labels.forEach(function (lb) { lb.w = -1; }); });
    api.place = place;
    h.plugins.labels = api;
    return api;
  };

  var pure = {Grid: Grid, candidates: candidates, lineSpot: lineSpot, inside: inside};
  neageo.labelsApi = pure;
  if (typeof module === "object" && module.exports) { module.exports = pure; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
