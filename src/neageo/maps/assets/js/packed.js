/* neageo packed layer: features sent as packed geometry and short properties (contract.json,
   "packed"), drawn with Leaflet, joined to the map's hub so labels, search, time, the legend and
   the URL hash see them.  Popups and tooltips are built from DOM nodes with textContent. */
(function (neageo) {
  "use strict";
  var MAX_TIP = 90, MAX_HEAD = 160;

  var distToSegment = neageo.distToSegment;

  /** Shared arcs of polygons (one topology per map), decoded on first use into Leaflet LatLngs that
      every polygon using an arc shares.  With `detail`, a coarser copy of each arc (the vertices
      Douglas-Peucker keeps at a tolerance under half a pixel at that zoom) is drawn below zoom
      detail.below, so a wide map's opening view projects a fraction of the vertices. */
  neageo.arcs = function (map, options) {
    var h = neageo.hub(map), detail = options.detail || null, cache = [{}, {}];
    var set = {
      /** Arc k at a level of detail (0 coarse, 1 full) as LatLngs. */
      line: function (k, level) {
        var keep = detail && level === 0 ? detail.keep[k] : "", c = cache[keep ? 0 : 1];
        if (!c[k]) {
          if (options.arcs[k] === undefined) { throw new Error("neageo: no shared arc " + k); }
          c[k] = latLngLine(options.arcs[k], options.scale, keep);
        }
        return c[k];
      },
      /** The level drawn at zoom z. */
      level: function (z) { return detail && z < detail.below ? 0 : 1; }
    };
    h.arcs[options.id] = set;
    return set;
  };

  /** A packed line as LatLngs, only the vertices `keep` names when given. */
  function latLng(lng, lat) { return L.latLng(lat, lng); }
  function latLngLine(text, scale, keep) { return neageo.line(text, scale, keep, latLng); }

  /** An L / ML / A / MA geometry as LatLngs, at a level of detail (0: the vertices its third item keeps). */
  function plainLatLngs(g, scale, level) {
    var t = g[0], c = g[1], k = g[2];
    function ln(text, keep) { return latLngLine(text, scale, level === 0 ? keep : ""); }
    if (t === "L") { return ln(c, k); }
    if (t === "MA") { return c.map(function (poly, i) { return poly.map(function (r, j) { return ln(r, k[i][j]); }); }); }
    return c.map(function (x, i) { return ln(x, k[i]); });
  }

  /* A polygon or line whose LatLngs are made when first needed (drawn, measured or exported), at its
     layer's level of detail then (lod.level()): a layer the map opens without costs nothing until shown. */
  var lazy = {};
  function lazyClass(kind) {
    if (lazy[kind]) { return lazy[kind]; }
    var Base = kind === "polygon" ? L.Polygon : L.Polyline;
    lazy[kind] = Base.extend({
      initialize: function (make, lod, options) {
        this._make = make;
        this._lod = lod;
        this._made = -1;
        Base.prototype.initialize.call(this, [], options);
      },
      /** Make (or remake, at another level) the LatLngs. */
      _fill: function () {
        var lv = this._lod.level();
        if (this._made !== lv) {
          this._made = lv;
          this._setLatLngs(this._make(lv));
        }
        return this;
      },
      beforeAdd: function (map) { this._fill(); return Base.prototype.beforeAdd.call(this, map); },
      getLatLngs: function () { return this._fill()._latlngs; },
      getBounds: function () { return Base.prototype.getBounds.call(this._fill()); },
      isEmpty: function () { return Base.prototype.isEmpty.call(this._fill()); },
      toGeoJSON: function (precision) { return Base.prototype.toGeoJSON.call(this._fill(), precision); }
    });
    return lazy[kind];
  }

  /** A TA / TMA geometry's rings as LatLngs from the shared arcs, at a level of detail. */
  function topoLatLngs(g, arcs, level) {
    function rg(refs) { return neageo.ring(refs, function (k) { return arcs.line(k, level); }); }
    return g[0] === "TA" ? g[1].map(rg) : g[1].map(function (poly) { return poly.map(rg); });
  }

  function flatRings(lls) {
    return (lls.length && lls[0].lat !== undefined) ? [lls] : [].concat.apply([], lls.map(flatRings));
  }

  function popupNode(h, f) {
    var p = f.p, d = neageo.el("div", "nea-pop");
    if (p.p[0]) { d.appendChild(neageo.el("div", "kind", h.t(p.p[0]))); }
    d.appendChild(neageo.el("h3", null, neageo.cap(h.nameOf(f), MAX_HEAD)));
    if (p.n) {
      var others = h.langs.map(function (l) { return l[0]; }).filter(function (l) {
        return l !== h.lang && p.n[l] && p.n[l] !== p.n[h.lang];
      }).map(function (l) { return p.n[l]; });
      if (others.length) { d.appendChild(neageo.el("div", "names", others.join(" · "))); }
    }
    if (p.p[3] && p.p[3].length) { d.appendChild(neageo.el("div", "also", h.tr("also") + ": " + p.p[3].join(", "))); }
    if (p.p[1].length) {
      var t = neageo.el("table");
      p.p[1].forEach(function (r) {
        var row = t.insertRow();
        row.insertCell().textContent = h.t(r[0]);
        row.insertCell().textContent = r[1];
      });
      d.appendChild(t);
    }
    if (p.p[2]) { d.appendChild(neageo.el("div", "cite", p.p[2])); }
    return d;
  }

  function anchorOf(f) {
    var l = f.layer;
    if (l.getLatLng) { return l.getLatLng(); }
    if (f.p.l && f.p.l.length > 2) { return L.latLng(f.p.l[3], f.p.l[2]); }
    if (l instanceof L.Polygon) { return l.getBounds().getCenter(); }
    var lls = flatRings(l.getLatLngs())[0] || [];
    return lls[Math.floor(lls.length / 2)] || l.getBounds().getCenter();
  }

  function openPopup(h, f, at, also) {
    var node = popupNode(h, f);
    (also || []).forEach(function (o) {
      var part = popupNode(h, o);
      part.className += " nea-pop-also";
      node.appendChild(part);
    });
    L.popup({maxWidth: 320, autoPanPaddingTopLeft: L.point(10, 10), className: "nea-popup"})
      .setLatLng(at || anchorOf(f)).setContent(node).openOn(h.map);
    window.neaOpened = f.id;
  }

  /* picking: what a click or tap selects.  Symbols sit over lines and lines over areas (and the
     basemap under everything), so a hit is ranked by that order, then by how close it is. */
  function rankOf(f) {
    var l = f.layer, r = l.getLatLng ? 0 : (l instanceof L.Polygon ? 2 : 1);
    return f.lay.base ? r + 3 : r;
  }
  /** How far (pixels) the pointer at container point pt is from a feature's drawn shape: <= 0 on it. */
  function gap(map, f, pt, ll, near) {
    var l = f.layer;
    if (l.getLatLng) { return map.latLngToContainerPoint(l.getLatLng()).distanceTo(pt) - (l.options.radius || 5); }
    if (!f._bb) { f._bb = l.getBounds(); }
    if (!f._bb.intersects(near)) { return Infinity; }
    var rings = flatRings(l.getLatLngs());
    if (l instanceof L.Polygon) {
      return neageo.pointIn(ll.lng, ll.lat, rings.map(function (r) { return r.map(function (p) { return [p.lng, p.lat]; }); })) ? 0 : Infinity;
    }
    var best = Infinity;
    rings.forEach(function (r) {
      for (var i = 1; i < r.length; i++) {
        best = Math.min(best, distToSegment(pt, map.latLngToContainerPoint(r[i - 1]), map.latLngToContainerPoint(r[i])));
      }
    });
    return best - (l.options.weight || 2) / 2;
  }
  /** The features under the pointer within tol pixels: [{f, rank, d}] best first. */
  function hits(h, ll, tol) {
    var map = h.map, pt = map.latLngToContainerPoint(ll), pad = tol + 12;
    var near = L.latLngBounds(map.containerPointToLatLng(pt.subtract([pad, pad])), map.containerPointToLatLng(pt.add([pad, pad])));
    var out = [];
    h.features.forEach(function (f, order) {
      if (!f.p.p || !h.visible(f) || !f.layer._map) { return; }
      var d = gap(map, f, pt, ll, near);
      if (d <= tol) { out.push({f: f, rank: rankOf(f), d: Math.max(d, 0), order: order}); }
    });
    return out.sort(function (a, b) { return a.rank - b.rank || a.d - b.d || b.order - a.order; });
  }
  /** A pointer event's tolerance: a finger covers more than a mouse pointer. */
  function tolerance(e) {
    var o = e && e.originalEvent;
    var touch = (o && (o.pointerType === "touch" || (o.sourceCapabilities && o.sourceCapabilities.firesTouchEvents))) ||
      (typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches);
    return touch ? 14 : 4;
  }
  /** Whether two features are truly at the same spot: points within 50 m of each other (not merely
      drawn a pixel apart at this zoom), or lines and areas of the same extent. */
  function coincident(map, a, b) {
    if (a.layer.getLatLng && b.layer.getLatLng) { return a.layer.getLatLng().distanceTo(b.layer.getLatLng()) < 50; }
    if (a.layer.getLatLng || b.layer.getLatLng) { return false; }
    return a.layer.getBounds().equals(b.layer.getBounds(), 1e-4);
  }
  /** What a click at ll opens: the best hit; with it, features that are the same place under another
      layer (a gate and its town: one popup with both), or a list when several features lie exactly
      there.  Returns {f, also} or {f, list}, or null. */
  function pick(h, ll, tol) {
    var found = hits(h, ll, tol);
    if (!found.length) { return null; }
    var best = found[0], name = h.labelOf(best.f);
    var rest = found.slice(1).filter(function (x) { return x.rank === best.rank; });
    var also = rest.filter(function (x) {
      return x.f.layer.getLatLng && best.f.layer.getLatLng && x.f.lay.id !== best.f.lay.id &&
        (h.labelOf(x.f) === name || h.nameOf(x.f) === name);
    }).map(function (x) { return x.f; });
    var same = rest.filter(function (x) {
      return also.indexOf(x.f) < 0 && x.d - best.d < 0.5 && coincident(h.map, best.f, x.f);
    }).map(function (x) { return x.f; });
    return same.length ? {f: best.f, list: [best.f].concat(same)} : {f: best.f, also: also};
  }
  function openList(h, at, list) {
    var d = neageo.el("div", "nea-pop");
    var kinds = list.map(function (o) { return o.p.p[0] ? h.t(o.p.p[0]) : h.t(o.lay.title); })
      .filter(function (k, i, a) { return k && a.indexOf(k) === i; });
    d.appendChild(neageo.el("div", "kind", h.tr("here") + " (" + list.length + "): " + kinds.join(", ")));
    var ul = neageo.el("ul");
    list.forEach(function (o) {
      var b = neageo.el("button", null, neageo.cap(h.nameOf(o), 80));
      b.type = "button";
      if (o.p.p[0]) { b.appendChild(neageo.el("small", null, " · " + h.t(o.p.p[0]))); }
      /* stop the click here: the button leaves the page as the next popup opens, and Leaflet would
         take a click from a detached button for a click on the map, which closes popups */
      b.addEventListener("click", function (ev) { L.DomEvent.stop(ev); openPopup(h, o, at); });
      var li = neageo.el("li");
      li.appendChild(b);
      ul.appendChild(li);
    });
    d.appendChild(ul);
    L.popup({maxWidth: 320}).setLatLng(at).setContent(d).openOn(h.map);
    window.neaOpened = "list";
  }
  /** A click or tap at e.latlng (on feature f, if Leaflet found one): open what is under the pointer. */
  function onClick(h, e, f) {
    var got = pick(h, e.latlng, tolerance(e));
    if (!got) {
      if (f && f.p.p) { openPopup(h, f, e.latlng); }
      return !!f;
    }
    if (got.list) { openList(h, e.latlng, got.list); } else { openPopup(h, got.f, e.latlng, got.also); }
    return true;
  }
  /** One click handler per map: a click that hits no drawn path (a tap beside a small symbol) still
      picks within the tolerance. */
  function listen(h) {
    if (h.picking) { return; }
    h.picking = true;
    h.map.on("click", function (e) { onClick(h, e, null); });
    h.pick = function (ll, tol) { return pick(h, ll, tol === undefined ? 4 : tol); };
    h.openAt = function (e, f) { return onClick(h, e, f); };
  }

  var arrowIds = {};
  function arrowFor(path, colour, weight) {
    var svg = path && path.ownerSVGElement;
    if (!svg) { return; }
    var size = Math.round(Math.max(3, 14 / Math.sqrt(weight || 1)) * 2) / 2;
    var id = "nea-arrow-" + colour.replace(/[^0-9a-z]/gi, "") + "-" + String(size).replace(".", "_");
    if (!arrowIds[id] || !svg.querySelector("#" + id)) {
      var ns = "http://www.w3.org/2000/svg";
      var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
      var m = document.createElementNS(ns, "marker");
      m.setAttribute("id", id); m.setAttribute("viewBox", "0 0 10 10"); m.setAttribute("refX", "6");
      m.setAttribute("refY", "5"); m.setAttribute("markerWidth", String(size)); m.setAttribute("markerHeight", String(size));
      m.setAttribute("orient", "auto-start-reverse"); m.setAttribute("markerUnits", "strokeWidth");
      var p = document.createElementNS(ns, "path");
      p.setAttribute("d", "M0,0 L10,5 L0,10 z");
      p.setAttribute("fill", colour);
      m.appendChild(p);
      defs.appendChild(m);
      arrowIds[id] = 1;
    }
    path.setAttribute("marker-end", "url(#" + id + ")");
  }

  /** The style of one feature: its layer's style s, with a width w or fill f of its own. */
  function styleOf(options, p) {
    var st = {};
    var base = options.styles[p.s || 0] || {};
    Object.keys(base).forEach(function (k) { st[k] = base[k]; });
    if (p.w !== undefined) { st.weight = p.w; }
    if (p.f !== undefined) { st.fillColor = p.f; st.fillOpacity = Math.max(st.fillOpacity || 0, 0.75); }
    if (options.time) { st.className = "nea-timed"; }
    return st;
  }

  /** A layer of packed features on a map; returns the Leaflet layer (a FeatureGroup). */
  neageo.packed = function (map, options) {
    var h = neageo.hub(map);
    var scale = options.scale || 10000;
    var arcs = options.arcs ? h.arcs[options.arcs] : null, level = arcs ? arcs.level(map.getZoom()) : 1;
    /* lines and areas with a coarser level of their own (a third geometry item) draw it below options.detail */
    function ownLevel(z) { return options.detail !== undefined && z < options.detail ? 0 : 1; }
    var own = ownLevel(map.getZoom()), lazies = [];
    var topoLod = {level: function () { return level; }}, ownLod = {level: function () { return own; }};
    if (options.arcs && !arcs) { throw new Error("neageo: layer " + options.id + " needs the shared arcs " + options.arcs); }
    var group = L.featureGroup();
    /* basemap and large layers paint on one canvas per map (a canvas is redrawn whole on every change) */
    var renderer = options.base || options.canvas ? (h.canvas = h.canvas || L.canvas({padding: 0.3})) : null;
    var lay = {id: options.id, title: options.title, base: !!options.base, time: !!options.time,
      arrows: !!options.arrows, search: options.search !== false};
    var feats = [];
    h.addMessages(options.messages, options.texts);
    listen(h);
    /* a large layer (painted on a canvas) shares one tooltip and one click handler among its features */
    var shared = !!options.canvas;
    function tipNode(f) {
      var t = neageo.cap(h.nameOf(f), MAX_TIP), en = f.p.n && f.p.n.en;
      if (en && h.lang !== "en" && en !== t) { t += " · " + neageo.cap(en, MAX_TIP); }
      return neageo.el("span", null, t);
    }
    options.features.forEach(function (raw, fi) {
      var p = raw[1], st = styleOf(options, p), layer;
      if (renderer) { st.renderer = renderer; }
      if (raw[0][0] === "P") {
        var c = neageo.line(raw[0][1], scale)[0];
        layer = L.circleMarker([c[1], c[0]], st);
      } else if (raw[0][0] === "TA" || raw[0][0] === "TMA") {
        if (!arcs) { throw new Error("neageo: layer " + options.id + " has shared-arc polygons but names no arcs"); }
        layer = new (lazyClass("polygon"))(topoLatLngs.bind(null, raw[0], arcs), topoLod, st);
        lazies.push(layer);
      } else if (raw[0].length > 2 && options.detail !== undefined) {
        layer = new (lazyClass(raw[0][0] === "A" || raw[0][0] === "MA" ? "polygon" : "polyline"))(
          plainLatLngs.bind(null, raw[0], scale), ownLod, st);
        lazies.push(layer);
      } else {
        layer = L.GeoJSON.geometryToLayer({type: "Feature", properties: {}, geometry: neageo.decode(raw[0], scale)}, {
          pointToLayer: function (ft, ll) { return L.circleMarker(ll, st); }
        });
        if (layer.setStyle) { layer.options = L.extend({}, layer.options, st); }
      }
      var f = {id: options.id + ":" + fi, p: p, lay: lay, layer: layer, shown: true};
      layer.feature = {type: "Feature", properties: p};
      layer._nea = f;
      if (options.tip !== false && !shared) {
        layer.bindTooltip(function () { return tipNode(f); }, {sticky: true, className: "nea-tip"});
      }
      if (p.p && !shared) { layer.on("click", function (e) { L.DomEvent.stop(e); onClick(h, e, f); }); }
      if (options.arrows && !renderer) {
        layer.on("add", function () { if (!f.greyed) { arrowFor(layer._path, st.color, st.weight); } });
      }
      f.open = function (at) { openPopup(h, f, at); };
      group.addLayer(layer);
      feats.push(f);
    });
    if (shared) {
      var tip = L.tooltip({sticky: true, className: "nea-tip"});
      var target = function (e) { var l = e.propagatedFrom || e.layer; return l && l._nea; };
      group.on("click", function (e) {
        var f = target(e);
        if (f && f.p.p) { L.DomEvent.stop(e); onClick(h, e, f); }
      });
      if (options.tip !== false) {
        group.on("mouseover", function (e) {
          var f = target(e);
          if (f) { tip.setContent(tipNode(f)).setLatLng(e.latlng); map.openTooltip(tip); }
        });
        group.on("mousemove", function (e) { tip.setLatLng(e.latlng); });
        group.on("mouseout", function () { map.closeTooltip(tip); });
      }
    }
    /* the level of detail follows the zoom: swapped as the zoom changes ("zoom" comes before Leaflet
       projects the paths again, on zoomend or viewreset), so each change projects once */
    if (lazies.length) {
      map.on("zoom", function () {
        var z = map.getZoom(), lv = arcs ? arcs.level(z) : 1, ov = ownLevel(z);
        if (lv === level && ov === own) { return; }
        level = lv;
        own = ov;
        /* what is drawn is remade now; the rest when next needed */
        lazies.forEach(function (l) { if (l._map) { l._fill(); } });
      });
    }
    group.neageoId = options.id;
    h.register(options.id, group, feats);

    /* a feature outside the time in force stays where it is, greyed (the map does not jump), and
       leaves the labels, picking and search's popups to the features of that time */
    var GREY = {color: "#a3a3a3", fillColor: "#dcdcdc", opacity: 0.45, fillOpacity: 0.35};
    function applyTime() {
      feats.forEach(function (f) {
        if (f.p.t === undefined && f.p.ts === undefined) { return; }
        var l = f.layer;
        if (!l.setStyle) {
          if (f.shown !== group.hasLayer(l)) { if (f.shown) { group.addLayer(l); } else { group.removeLayer(l); } }
          return;
        }
        if (!f.shown && !f.greyed) {
          var o = l.options;
          f.greyed = {color: o.color, fillColor: o.fillColor, opacity: o.opacity, fillOpacity: o.fillOpacity};
          l.setStyle(GREY);
          if (l._path) { l._path.removeAttribute("marker-end"); l._path.classList.add("nea-greyed"); }
          if (l.bringToBack && l._map) { l.bringToBack(); }
        } else if (f.shown && f.greyed) {
          l.setStyle(f.greyed);
          f.greyed = null;
          if (l._path) {
            l._path.classList.remove("nea-greyed");
            if (options.arrows && !renderer) { arrowFor(l._path, l.options.color, l.options.weight); }
          }
        }
      });
    }
    applyTime();
    h.on("time", applyTime);
    h.on("choose", function (e) {
      var f = e.feature;
      if (feats.indexOf(f) < 0) { return; }
      var l = f.layer;
      if (e.group) {
        var all = L.latLngBounds([]);
        e.group.forEach(function (g) { all.extend(g.layer.getBounds ? g.layer.getBounds() : g.layer.getLatLng()); });
        map.fitBounds(all, {animate: false, maxZoom: Math.max(map.getZoom(), 8), padding: [40, 40]});
      } else if (l.getLatLng) {
        map.setView(l.getLatLng(), Math.max(map.getZoom(), Math.min(9, map.getMaxZoom())), {animate: false});
      } else {
        map.fitBounds(l.getBounds(), {animate: false, maxZoom: Math.max(map.getZoom(), 8), padding: [40, 40]});
      }
      openPopup(h, f);
    });
    var lit = [];
    h.on("highlight", function (e) {
      lit.forEach(function (x) { x.f.layer.setStyle(x.style); });
      lit = [];
      feats.forEach(function (f) {
        if (f.p.k !== undefined && e.keys.indexOf(f.p.k) >= 0 && f.layer.setStyle) {
          var o = f.layer.options;
          lit.push({f: f, style: {color: o.color, weight: o.weight}});
          f.layer.setStyle({color: "#d7301f", weight: (o.weight || 1) + 2});
          if (f.layer.bringToFront && f.layer._map) { f.layer.bringToFront(); }
        }
      });
    });
    h.on("lang", function () { map.closePopup(); });
    return group;
  };

  if (typeof module === "object" && module.exports) {
    module.exports = {styleOf: styleOf, rankOf: rankOf};
  }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
