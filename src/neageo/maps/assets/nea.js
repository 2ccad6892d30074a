/* neageo map runtime: decodes the page's data, draws it with Leaflet and adds labels, search,
   languages, time, legend and a shareable URL.  Every value from the data is set with textContent
   (or as a DOM property), never parsed as HTML. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("nea-data").textContent);
  var SCALE = __SCALE__;
  var UI = D.ui;
  var LANGS = UI.langs.map(function (l) { return l[0]; });
  var BASE = {countries: 1, provinces: 1, lakes: 1, waterways: 1};
  var MAX_LABEL = 48, MAX_TIP = 90, MAX_HEAD = 160;

  /* -- decoding: delta-encoded integers, 5 bits a character; polygons as shared arcs -- */
  var ALPHA = {};
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (ch, i) { ALPHA[ch.charCodeAt(0)] = i; });
  function unpack(s) {
    var out = [], v = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var c = ALPHA[s.charCodeAt(i)];
      v |= (c & 0x1f) << shift; shift += 5;
      if (c < 0x20) { out.push((v & 1) ? ~(v >>> 1) : (v >>> 1)); v = 0; shift = 0; }
    }
    return out;
  }
  function line(s) {
    var a = unpack(s), out = [], x = 0, y = 0;
    for (var i = 0; i < a.length; i += 2) { x += a[i]; y += a[i + 1]; out.push([x / SCALE, y / SCALE]); }
    return out;
  }
  var arcCache = {};
  function arc(r) { var k = r < 0 ? ~r : r; return arcCache[k] || (arcCache[k] = line(D.arcs[k])); }
  function ring(refs) {
    var out = [];
    refs.forEach(function (r) {
      var a = arc(r);
      if (r < 0) { a = a.slice().reverse(); }
      out = out.length ? out.concat(a.slice(1)) : out.concat(a);
    });
    return out;
  }
  function geom(g) {
    var t = g[0], c = g[1];
    if (t === "P") return {type: "Point", coordinates: line(c)[0]};
    if (t === "MP") return {type: "MultiPoint", coordinates: line(c)};
    if (t === "L") return {type: "LineString", coordinates: line(c)};
    if (t === "ML") return {type: "MultiLineString", coordinates: c.map(line)};
    if (t === "A") return {type: "Polygon", coordinates: c.map(line)};
    if (t === "MA") return {type: "MultiPolygon", coordinates: c.map(function (p) { return p.map(line); })};
    if (t === "TA") return {type: "Polygon", coordinates: c.map(ring)};
    if (t === "TMA") return {type: "MultiPolygon", coordinates: c.map(function (p) { return p.map(ring); })};
    return null;
  }

  /* -- state -- */
  var state = {lang: "en", ti: null};
  function tr(key) { return (UI[state.lang] && UI[state.lang][key]) || UI.en[key] || key; }
  function cap(s, n) { s = String(s == null ? "" : s); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function pick(names, lang) { return names ? (names[lang] || names.en || "") : ""; }
  function nameOf(f) { return f.p.n ? pick(f.p.n, state.lang) : (f.p.h || ""); }
  function labelOf(f) { return f.p.ln ? pick(f.p.ln, state.lang) : nameOf(f); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }
  /* the same key as neageo.gazetteer.normalise: NFKD, marks dropped, NFC, case folded, letters and digits only */
  function norm(s) {
    return String(s).normalize("NFKD").replace(/\p{Mn}/gu, "").normalize("NFC").toLowerCase()
      .replace(/ß/g, "ss").replace(/[^\p{L}\p{N}]/gu, "");
  }

  /* -- the map, opened on its frame; the view never leaves the box the data was cut to -- */
  var frame = L.latLngBounds([D.frame[1], D.frame[0]], [D.frame[3], D.frame[2]]);
  var box = L.latLngBounds([D.box[1], D.box[0]], [D.box[3], D.box[2]]);
  var map = L.map("map", {zoomControl: false, attributionControl: false, zoomSnap: 0.25, zoomDelta: 0.5,
    maxBounds: box, maxBoundsViscosity: 1.0, worldCopyJump: false, wheelPxPerZoomLevel: 120, fadeAnimation: false});
  function fitMinZoom() { map.setMinZoom(Math.max(0, map.getBoundsZoom(box, true))); }
  fitMinZoom();
  var narrow = map.getSize().x < 600;
  /* compose the frame in the part of the screen the title and time control leave free */
  map.fitBounds(frame, {animate: false, paddingTopLeft: [4, narrow ? (D.time ? 180 : 120) : 8],
    paddingBottomRight: [4, D.time && !narrow ? 70 : 8]});
  map.createPane("nea-labels");
  map.getPane("nea-labels").className += " leaflet-nea-labels-pane";

  /* -- layers -- */
  var feats = [], groups = {}, overlays = {}, arrowIds = {};
  /* the large basemap areas are painted on one canvas (quicker than thousands of SVG vertices);
     everything a reader points at stays SVG */
  var canvas = L.canvas({padding: 0.3});
  function arrowFor(path, colour, weight) {
    var svg = path.ownerSVGElement;
    if (!svg) { return; }
    var size = Math.round(Math.max(3, 14 / Math.sqrt(weight || 1)) * 2) / 2;
    var id = "nea-arrow-" + colour.replace(/[^0-9a-z]/gi, "") + "-" + String(size).replace(".", "_");
    if (!arrowIds[id]) {
      var ns = "http://www.w3.org/2000/svg";
      var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
      var m = document.createElementNS(ns, "marker");
      m.setAttribute("id", id); m.setAttribute("viewBox", "0 0 10 10"); m.setAttribute("refX", "6");
      m.setAttribute("refY", "5"); m.setAttribute("markerWidth", String(size)); m.setAttribute("markerHeight", String(size));
      m.setAttribute("orient", "auto-start-reverse"); m.setAttribute("markerUnits", "strokeWidth");
      var p = document.createElementNS(ns, "path");
      p.setAttribute("d", "M0,0 L10,5 L0,10 z"); p.setAttribute("fill", colour);
      m.appendChild(p); defs.appendChild(m); arrowIds[id] = 1;
    }
    path.setAttribute("marker-end", "url(#" + id + ")");
  }
  D.layers.forEach(function (lay, li) {
    var group = L.featureGroup();
    groups[lay.id] = group;
    lay.features.forEach(function (raw, fi) {
      var p = raw[1], g = geom(raw[0]);
      var st = L.extend({}, lay.styles[p.s || 0]);
      if (BASE[lay.id]) { st.renderer = canvas; }
      if (p.w != null) { st.weight = p.w; }
      if (p.f != null) { st.fillColor = p.f; st.fillOpacity = Math.max(st.fillOpacity || 0, 0.75); }
      if (lay.time) { st.className = "nea-timed"; }
      var f = {id: li + ":" + fi, p: p, lay: lay, g: g, shown: true};
      var layer = g && L.GeoJSON.geometryToLayer({type: "Feature", properties: {}, geometry: g}, {
        pointToLayer: function (ft, ll) { return L.circleMarker(ll, st); }
      });
      if (!layer) { return; }
      if (layer.setStyle) { layer.options = L.extend({}, layer.options, st); }
      f.layer = layer;
      layer.feature = {properties: p};
      if (lay.tip !== false) {
        layer.bindTooltip(function () {
          var t = cap(nameOf(f), MAX_TIP), en = f.p.n && f.p.n.en;
          if (en && state.lang !== "en" && en !== t) { t += " · " + cap(en, MAX_TIP); }
          return el("span", null, t);
        }, {sticky: true, className: "nea-tip"});
      }
      if (p.p) { layer.on("click", function (e) { L.DomEvent.stop(e); onClick(e, f); }); }
      if (lay.arrows) { layer.on("add", function () { arrowFor(layer._path, st.color, st.weight); }); }
      group.addLayer(layer);
      feats.push(f);
    });
    overlays[lay.id] = group;
    if (lay.show) { group.addTo(map); }
  });
  function visible(f) { return map.hasLayer(groups[f.lay.id]) && f.shown; }

  /* -- popups: a feature's, or a list when several share the spot clicked -- */
  function popupNode(f) {
    var p = f.p, d = el("div", "nea-pop");
    if (p.p[0]) { d.appendChild(el("div", "kind", p.p[0])); }
    d.appendChild(el("h3", null, cap(nameOf(f), MAX_HEAD)));
    if (p.n) {
      var others = LANGS.filter(function (l) { return l !== state.lang && p.n[l] && p.n[l] !== p.n[state.lang]; })
        .map(function (l) { return p.n[l]; });
      if (others.length) { d.appendChild(el("div", "names", others.join(" · "))); }
    }
    if (p.p[3] && p.p[3].length) { d.appendChild(el("div", "also", tr("also") + ": " + p.p[3].join(", "))); }
    if (p.p[1].length) {
      var t = el("table");
      p.p[1].forEach(function (r) { var row = t.insertRow(); row.insertCell().textContent = r[0]; row.insertCell().textContent = r[1]; });
      d.appendChild(t);
    }
    if (p.p[2]) { d.appendChild(el("div", "cite", p.p[2])); }
    return d;
  }
  function anchorOf(f) {
    var l = f.layer;
    if (l.getLatLng) { return l.getLatLng(); }
    if (f.p.l && f.p.l.length > 2) { return L.latLng(f.p.l[3], f.p.l[2]); }
    var lls = L.LineUtil.isFlat(l.getLatLngs()) ? l.getLatLngs() : [].concat.apply([], l.getLatLngs());
    if (lls.length && lls[0].length !== undefined && !lls[0].lat) { lls = [].concat.apply([], lls); }
    if (l instanceof L.Polygon) { return l.getBounds().getCenter(); }
    return lls[Math.floor(lls.length / 2)] || l.getBounds().getCenter();
  }
  function openPopup(f, at) {
    L.popup({maxWidth: 320, autoPanPaddingTopLeft: L.point(10, 10), className: "nea-popup"})
      .setLatLng(at || anchorOf(f)).setContent(popupNode(f)).openOn(map);
    window.neaOpened = f.id;
  }
  function distToSegment(p, a, b) {
    var dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy, t = l2 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
    t = Math.max(0, Math.min(1, t));
    return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
  }
  function flatRings(lls) { return (lls.length && lls[0].lat !== undefined) ? [lls] : [].concat.apply([], lls.map(flatRings)); }
  function hit(f, pt, ll) {
    var l = f.layer;
    if (l.getLatLng) { return map.latLngToContainerPoint(l.getLatLng()).distanceTo(pt) <= (l.options.radius || 5) + 5; }
    var rings = flatRings(l.getLatLngs());
    if (l instanceof L.Polygon) {
      var inside = false;
      rings.forEach(function (r) {
        for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
          if ((r[i].lat > ll.lat) !== (r[j].lat > ll.lat) &&
              ll.lng < (r[j].lng - r[i].lng) * (ll.lat - r[i].lat) / (r[j].lat - r[i].lat) + r[i].lng) { inside = !inside; }
        }
      });
      return inside;
    }
    var tol = (l.options.weight || 2) / 2 + 5;
    return rings.some(function (r) {
      for (var i = 1; i < r.length; i++) {
        if (distToSegment(pt, map.latLngToContainerPoint(r[i - 1]), map.latLngToContainerPoint(r[i])) <= tol) { return true; }
      }
      return false;
    });
  }
  function onClick(e, f) {
    var pt = map.latLngToContainerPoint(e.latlng);
    var here = feats.filter(function (o) { return o.p.p && !BASE[o.lay.id] && visible(o) && (o === f || hit(o, pt, e.latlng)); });
    if (BASE[f.lay.id] && here.length === 0) { here = [f]; }
    if (here.length <= 1) { openPopup(here[0] || f, e.latlng); return; }
    var d = el("div", "nea-pop");
    d.appendChild(el("div", "kind", tr("here") + " (" + here.length + ")"));
    var ul = el("ul");
    here.forEach(function (o) {
      var b = el("button", null, cap(nameOf(o), 80));
      b.type = "button";
      if (o.p.p[0]) { b.appendChild(el("small", null, " · " + o.p.p[0])); }
      /* stop the click here: the button leaves the page as the next popup opens, and Leaflet would
         take a click from a detached button for a click on the map, which closes popups */
      b.addEventListener("click", function (ev) { L.DomEvent.stop(ev); openPopup(o, e.latlng); });
      var li = el("li"); li.appendChild(b); ul.appendChild(li);
    });
    d.appendChild(ul);
    L.popup({maxWidth: 320}).setLatLng(e.latlng).setContent(d).openOn(map);
    window.neaOpened = "list";
  }

  /* -- time: one slider for the map's stops; a timed feature shows only at its stop -- */
  var timeBox = null, timeInput = null, timeOut = null, playBtn = null, timer = null;
  function fmtDate(d) {
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(d);
    if (!m || !m[2]) { return d; }
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, +(m[3] || 1)));
    var opts = m[3] ? {year: "numeric", month: "short", day: "numeric", timeZone: "UTC"} : {year: "numeric", month: "long", timeZone: "UTC"};
    try { return new Intl.DateTimeFormat(state.lang, opts).format(date); } catch (err) { return d; }
  }
  function setTime(i, quiet) {
    if (!D.time) { return; }
    i = Math.max(0, Math.min(D.time.length - 1, i | 0));
    state.ti = i;
    var v = D.time[i].v;
    feats.forEach(function (f) {
      if (f.p.t === undefined && f.p.ts === undefined) { return; }
      var show = f.p.t !== undefined ? f.p.t === v : f.p.ts <= v, group = groups[f.lay.id];
      if (show !== f.shown) {
        f.shown = show;
        if (show) { group.addLayer(f.layer); } else { group.removeLayer(f.layer); }
      }
    });
    if (timeInput) {
      timeInput.value = String(i);
      timeOut.textContent = "";
      timeOut.appendChild(el("b", null, fmtDate(D.time[i].d)));
      if (D.time[i].s) { timeOut.appendChild(el("span", null, D.time[i].s)); }
      timeInput.setAttribute("aria-valuetext", fmtDate(D.time[i].d) + (D.time[i].s ? " " + D.time[i].s : ""));
    }
    if (!quiet) { placeLabels(); writeHash(); }
  }
  function play() {
    if (timer) { clearInterval(timer); timer = null; playBtn.textContent = "▶"; playBtn.setAttribute("aria-label", tr("play")); return; }
    playBtn.textContent = "❚❚"; playBtn.setAttribute("aria-label", tr("pause"));
    timer = setInterval(function () { setTime((state.ti + 1) % D.time.length); }, 1600);
  }
  if (D.time && D.time.length) {
    timeBox = el("div", "nea-time");
    playBtn = el("button", null, "▶"); playBtn.type = "button"; playBtn.setAttribute("aria-label", tr("play"));
    playBtn.addEventListener("click", play);
    timeInput = el("input"); timeInput.type = "range"; timeInput.min = "0"; timeInput.max = String(D.time.length - 1);
    timeInput.step = "1"; timeInput.setAttribute("aria-label", tr("time"));
    timeInput.addEventListener("input", function () { setTime(+timeInput.value); });
    timeOut = el("output");
    timeBox.appendChild(playBtn); timeBox.appendChild(timeInput); timeBox.appendChild(timeOut);
    L.DomEvent.disableClickPropagation(timeBox); L.DomEvent.disableScrollPropagation(timeBox);
    timeBox.setAttribute("role", "group"); timeBox.setAttribute("aria-label", tr("time"));
    if (!narrow) { map.getContainer().appendChild(timeBox); }
    /* a map of projects opens on its last year (everything begun); a sequence opens at its start */
    setTime(D.time[0].m === "since" ? D.time.length - 1 : 0, true);
  }

  /* -- controls: title with search and language, layers (collapsed), legend (foldable), credits -- */
  var titleCtl = L.control({position: "topleft"}), searchInput, results, langSelect;
  titleCtl.onAdd = function () {
    var d = el("div", "nea-title leaflet-control");
    d.appendChild(el("h1", null, D.title));
    d.appendChild(el("p", null, D.description));
    var tools = el("div", "nea-tools");
    searchInput = el("input"); searchInput.type = "search"; searchInput.setAttribute("aria-label", tr("search"));
    searchInput.placeholder = tr("search"); searchInput.autocomplete = "off";
    langSelect = el("select"); langSelect.setAttribute("aria-label", tr("language"));
    UI.langs.forEach(function (l) { var o = el("option", null, l[1]); o.value = l[0]; o.lang = l[0]; langSelect.appendChild(o); });
    langSelect.addEventListener("change", function () { setLang(langSelect.value); });
    tools.appendChild(searchInput); tools.appendChild(langSelect);
    d.appendChild(tools);
    results = el("ul", "nea-results"); results.setAttribute("role", "listbox");
    d.appendChild(results);
    searchInput.addEventListener("input", function () { showResults(search(searchInput.value)); });
    searchInput.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { var r = search(searchInput.value); if (r.length) { choose(r[0]); } }
      if (ev.key === "Escape") { results.textContent = ""; }
    });
    L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  titleCtl.addTo(map);
  if (timeBox && narrow) {  /* on a phone the time control sits under the title, clear of legend and credits */
    timeBox.className += " leaflet-control nea-time-top";
    titleCtl.getContainer().parentNode.appendChild(timeBox);
  }
  var layerNames = {};
  D.layers.forEach(function (lay) {
    var s = el("span", null, lay.title);
    layerNames[s.outerHTML] = groups[lay.id];  /* the name as escaped markup: Leaflet inserts it as HTML */
  });
  var layersCtl = L.control.layers(null, layerNames, {collapsed: true, position: "topright"}).addTo(map);
  L.control.zoom({position: "topright", zoomInTitle: tr("zoomin"), zoomOutTitle: tr("zoomout")}).addTo(map);
  var legendCtl = L.control({position: "bottomleft"});
  legendCtl.onAdd = function () {
    var d = el("details", "nea-legend leaflet-control");
    if (window.innerWidth >= 600) { d.open = true; }
    var sum = el("summary", null, tr("legend"));
    d.appendChild(sum);
    D.legend.forEach(function (r) {
      var row = el("div", "row"), sw = el("span", "nea-sw " + r.shape), st = r.style;
      if (r.shape === "point") {
        sw.style.background = st.fillColor; sw.style.border = Math.min(st.weight || 1, 3) + "px solid " + st.color;
      } else if (r.shape === "line") {
        sw.style.borderTop = Math.max(1, Math.min(st.weight || 1, 6)) + "px " + (st.dashArray ? "dashed" : "solid") + " " + st.color;
      } else {
        sw.style.background = st.fillColor; sw.style.opacity = String(Math.max(st.fillOpacity || 0, 0.5));
        sw.style.border = "1px " + (st.dashArray ? "dashed" : "solid") + " " + st.color;
      }
      row.appendChild(sw); row.appendChild(el("span", null, r.label)); d.appendChild(row);
      row.setAttribute("data-layer", r.layer);
    });
    if (D.note) { d.appendChild(el("div", "note", D.note)); }
    L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  legendCtl.addTo(map);
  function syncLegend() {
    document.querySelectorAll(".nea-legend .row").forEach(function (row) {
      row.style.display = map.hasLayer(groups[row.getAttribute("data-layer")]) ? "" : "none";
    });
  }
  syncLegend();
  L.control.scale({position: "bottomleft", imperial: false}).addTo(map);
  var credit = L.control({position: "bottomright"});
  credit.onAdd = function () {
    var d = el("div", "leaflet-control-attribution leaflet-control nea-credit");
    var a = el("a", null, "Leaflet"); a.href = "https://leafletjs.com"; a.rel = "noopener";
    d.appendChild(a); d.appendChild(document.createTextNode(" | " + D.credits.join(" · ")));
    return d;
  };
  credit.addTo(map);

  /* -- search: every name and alias in every language, normalised as neageo.find does -- */
  function search(q) {
    var k = norm(q);
    if (!k) { return []; }
    var out = [];
    feats.forEach(function (f) {
      if (!f.p.q) { return; }
      var best = 9;
      f.p.q.forEach(function (key) {
        var s = key === k ? 0 : key.indexOf(k) === 0 ? 1 : key.indexOf(k) > 0 ? 2 : 9;
        if (s < best) { best = s; }
      });
      if (best < 9) { out.push({f: f, s: best}); }
    });
    out.sort(function (a, b) {
      return a.s - b.s || ((a.f.p.l ? a.f.p.l[0] : 9) - (b.f.p.l ? b.f.p.l[0] : 9)) || (a.f.id < b.f.id ? -1 : 1);
    });
    var seen = {};
    return out.filter(function (r) {
      var key = nameOf(r.f) + "|" + r.f.lay.id + "|" + (r.f.p.t === undefined ? "" : r.f.p.t);
      if (seen[key]) { return false; }
      seen[key] = 1; return true;
    }).slice(0, 12).map(function (r) { return r.f; });
  }
  function showResults(list) {
    results.textContent = "";
    if (!list.length && searchInput.value) { results.appendChild(el("li", null, tr("nothing"))); return; }
    list.forEach(function (f) {
      var b = el("button", null, cap(nameOf(f), 80)); b.type = "button";
      var t = f.p.t !== undefined && D.time ? " " + (D.time.filter(function (s) { return s.v === f.p.t; })[0] || {d: ""}).d : "";
      b.appendChild(el("small", null, (f.p.p ? f.p.p[0] : f.lay.title) + t));
      b.addEventListener("click", function (ev) { L.DomEvent.stop(ev); choose(f); });
      var li = el("li"); li.setAttribute("role", "option"); li.appendChild(b); results.appendChild(li);
    });
  }
  function choose(f) {
    results.textContent = "";
    if (!map.hasLayer(groups[f.lay.id])) { map.addLayer(groups[f.lay.id]); }
    if (f.p.t !== undefined && D.time) {
      D.time.forEach(function (s, i) { if (s.v === f.p.t) { setTime(i, true); } });
    }
    if (f.p.ts !== undefined && D.time && D.time[state.ti].v < f.p.ts) {
      D.time.forEach(function (s, i) { if (s.v === f.p.ts) { setTime(i, true); } });
    }
    var l = f.layer;
    if (l.getLatLng) {
      map.setView(l.getLatLng(), Math.max(map.getZoom(), Math.min(9, map.getMaxZoom())), {animate: false});
    } else {
      var b = l.getBounds();
      map.fitBounds(b, {animate: false, maxZoom: Math.max(map.getZoom(), 8), padding: [40, 40]});
    }
    placeLabels();
    openPopup(f);
    writeHash();
  }

  /* -- labels: HTML text in a pane of their own, placed by priority without overlap -- */
  var labels = [];
  feats.forEach(function (f) {
    if (!f.p.l) { return; }
    var outer = el("div", "nea-lab hidden nea-lab-" + f.p.l[1]), inner = el("span");
    outer.appendChild(inner);
    inner.addEventListener("click", function (ev) { L.DomEvent.stop(ev); openPopup(f); });
    map.getPane("nea-labels").appendChild(outer);
    labels.push({f: f, pr: f.p.l[0], cls: f.p.l[1], el: outer, span: inner, w: 0, h: 0, text: null});
  });
  labels.sort(function (a, b) {
    return a.pr - b.pr || ((b.f.layer.options.radius || 0) - (a.f.layer.options.radius || 0)) || (a.f.id < b.f.id ? -1 : 1);
  });
  function measure() {
    labels.forEach(function (lb) {
      var t = cap(labelOf(lb.f), MAX_LABEL);
      if (t !== lb.text) { lb.text = t; lb.span.textContent = t; lb.span.lang = state.lang; lb.w = -1; }
    });
    var todo = labels.filter(function (lb) { return lb.w < 0; });
    todo.forEach(function (lb) { lb.el.classList.remove("hidden"); lb.el.style.visibility = "hidden"; });
    todo.forEach(function (lb) { lb.w = lb.span.offsetWidth; lb.h = lb.span.offsetHeight; });
    todo.forEach(function (lb) { lb.el.classList.add("hidden"); lb.el.style.visibility = ""; });
  }
  function overlaps(b, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var o = boxes[i];
      if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) { return true; }
    }
    return false;
  }
  function alongLine(lb, size, taken) {
    var lls = flatRings(lb.f.layer.getLatLngs()), best = null;
    var L0 = lb.w + 10, h = lb.h;
    lls.forEach(function (r) {
      if (best) { return; }
      var pts = r.map(function (ll) { return map.latLngToContainerPoint(ll); });
      var cum = [0];
      for (var i = 1; i < pts.length; i++) { cum.push(cum[i - 1] + pts[i].distanceTo(pts[i - 1])); }
      var total = cum[cum.length - 1];
      if (total < L0) { return; }
      function after(d) {  /* first vertex index with cum >= d (binary search) */
        var lo = 1, hi = cum.length - 1;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (cum[mid] < d) { lo = mid + 1; } else { hi = mid; } }
        return lo;
      }
      function at(d) {
        var j = after(d);
        var seg = cum[j] - cum[j - 1] || 1, t = (d - cum[j - 1]) / seg;
        return L.point(pts[j - 1].x + t * (pts[j].x - pts[j - 1].x), pts[j - 1].y + t * (pts[j].y - pts[j - 1].y));
      }
      var step = Math.max(L0 / 3, 12), starts = [];
      for (var s = 0; s + L0 <= total; s += step) { starts.push(s); }
      starts.sort(function (a, b) { return Math.abs(a + L0 / 2 - total / 2) - Math.abs(b + L0 / 2 - total / 2); });
      for (var k = 0; k < starts.length && !best; k++) {
        var a = at(starts[k]), b = at(starts[k] + L0), c = L.point((a.x + b.x) / 2, (a.y + b.y) / 2);
        if (c.x < 0 || c.y < 0 || c.x > size.x || c.y > size.y) { continue; }
        var dev = 0;
        for (var m = after(starts[k]); m < pts.length && cum[m] < starts[k] + L0; m++) {
          dev = Math.max(dev, distToSegment(pts[m], a, b));
        }
        if (dev > Math.max(h * 0.7, 5)) { continue; }
        var ang = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
        if (ang > 90) { ang -= 180; } else if (ang < -90) { ang += 180; }
        var rad = ang * Math.PI / 180, W = lb.w * Math.abs(Math.cos(rad)) + h * Math.abs(Math.sin(rad)),
          H = lb.w * Math.abs(Math.sin(rad)) + h * Math.abs(Math.cos(rad));
        var bx = [c.x - W / 2 - 1, c.y - H / 2 - 1, c.x + W / 2 + 1, c.y + H / 2 + 1];
        if (bx[0] < 2 || bx[1] < 2 || bx[2] > size.x - 2 || bx[3] > size.y - 2 || overlaps(bx, taken)) { continue; }
        best = {c: c, box: bx, ang: ang};
      }
    });
    return best;
  }
  function obstacles() {
    var out = [], mb = map.getContainer().getBoundingClientRect();
    var sel = ".nea-title, .leaflet-control-layers, .leaflet-control-zoom, .nea-legend, .nea-time, .nea-credit, .leaflet-control-scale";
    map.getContainer().querySelectorAll(sel).forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (r.width && r.height) { out.push([r.left - mb.left - 2, r.top - mb.top - 2, r.right - mb.left + 2, r.bottom - mb.top + 2]); }
    });
    return out;
  }
  function near(b, lb, f) {
    /* the same text already placed close by (two flows to one capital): one label is enough */
    var ll = f.p.l && f.p.l.length > 2 ? L.latLng(f.p.l[3], f.p.l[2]) : (f.layer.getLatLng ? f.layer.getLatLng() : null);
    if (!ll) { return false; }
    var c = map.latLngToContainerPoint(ll);
    return Math.abs((b[0] + b[2]) / 2 - c.x) < 80 && Math.abs((b[1] + b[3]) / 2 - c.y) < 40;
  }
  function placeLabels() {
    var t0 = performance.now();
    if (!labels.length) { window.neaLabelMs = 0; return; }
    measure();
    var size = map.getSize(), taken = obstacles(), marks = [];
    feats.forEach(function (f) {
      if (f.layer.getLatLng && visible(f) && !BASE[f.lay.id]) {
        var c = map.latLngToContainerPoint(f.layer.getLatLng()), r = (f.layer.options.radius || 4) + 1;
        marks.push({f: f, pr: f.p.l ? f.p.l[0] : 5, b: [c.x - r, c.y - r, c.x + r, c.y + r]});
      }
    });
    var fixed = taken, shown = {};
    labels.forEach(function (lb) {
      var f = lb.f, spot = null;
      /* point symbols of the same or higher rank are kept clear; lesser dots may sit under a label */
      taken = fixed.concat(marks.filter(function (m) { return m.pr <= lb.pr && m.f !== f; }).map(function (m) { return m.b; }));
      if (visible(f) && lb.text && !(shown[lb.text] || []).some(function (b) { return near(b, lb, f); })) {
        var l = f.layer, w = lb.w + 2, h = lb.h;
        if (l.getLatLng || (f.p.l.length > 2)) {
          var ll = f.p.l.length > 2 ? L.latLng(f.p.l[3], f.p.l[2]) : l.getLatLng();
          var c = map.latLngToContainerPoint(ll), r = l.getLatLng ? (l.options.radius || 4) + 3 : 0;
          var cands = r ? [[c.x + r + w / 2, c.y], [c.x - r - w / 2, c.y], [c.x, c.y - r - h / 2], [c.x, c.y + r + h / 2],
            [c.x + r + w / 2 - 3, c.y - r - h / 2 + 4], [c.x + r + w / 2 - 3, c.y + r + h / 2 - 4],
            [c.x - r - w / 2 + 3, c.y - r - h / 2 + 4], [c.x - r - w / 2 + 3, c.y + r + h / 2 - 4]]
            : [[c.x, c.y], [c.x, c.y - h], [c.x, c.y + h]];
          var own = taken;
          for (var i = 0; i < cands.length && !spot; i++) {
            var bx = [cands[i][0] - w / 2, cands[i][1] - h / 2, cands[i][0] + w / 2, cands[i][1] + h / 2];
            if (bx[0] < 2 || bx[1] < 2 || bx[2] > size.x - 2 || bx[3] > size.y - 2 || overlaps(bx, own)) { continue; }
            spot = {c: L.point(cands[i][0], cands[i][1]), box: bx, ang: 0};
          }
        } else {
          spot = alongLine(lb, size, taken);
        }
      }
      if (spot) {
        fixed.push(spot.box);
        (shown[lb.text] = shown[lb.text] || []).push(spot.box);
        L.DomUtil.setPosition(lb.el, map.containerPointToLayerPoint(spot.c).round());
        lb.span.style.transform = "translate(-50%, -50%)" + (spot.ang ? " rotate(" + spot.ang.toFixed(1) + "deg)" : "");
        lb.el.classList.remove("hidden");
      } else {
        lb.el.classList.add("hidden");
      }
    });
    window.neaLabelMs = performance.now() - t0;
  }

  /* -- language -- */
  function setLang(lang, quiet) {
    if (LANGS.indexOf(lang) < 0) { lang = "en"; }
    state.lang = lang;
    document.documentElement.lang = lang;
    langSelect.value = lang;
    searchInput.placeholder = tr("search"); searchInput.setAttribute("aria-label", tr("search"));
    var sum = document.querySelector(".nea-legend summary");
    if (sum) { sum.textContent = tr("legend"); }
    if (playBtn) { playBtn.setAttribute("aria-label", timer ? tr("pause") : tr("play")); }
    if (state.ti !== null) { setTime(state.ti, true); }
    map.closePopup();
    if (!quiet) { placeLabels(); writeHash(); }
  }

  /* -- the URL hash holds the view, language, time and layers: #@lat,lng,zoom&lang=zh&t=2004&layers=a,b -- */
  var writing = false;
  function writeHash() {
    var c = map.getCenter(), parts = ["@" + c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + map.getZoom()];
    parts.push("lang=" + state.lang);
    if (D.time && state.ti !== null) { parts.push("t=" + encodeURIComponent(String(D.time[state.ti].v))); }
    parts.push("layers=" + D.layers.filter(function (l) { return map.hasLayer(groups[l.id]); }).map(function (l) { return l.id; }).join(","));
    writing = true;
    history.replaceState(null, "", "#" + parts.join("&"));
    writing = false;
  }
  function readHash() {
    var h = decodeURIComponent(location.hash.replace(/^#/, "")), got = false;
    if (!h) { return false; }
    h.split("&").forEach(function (kv) {
      var m = /^@(-?[\d.]+),(-?[\d.]+),([\d.]+)$/.exec(kv);
      if (m) { map.setView([+m[1], +m[2]], +m[3], {animate: false}); got = true; return; }
      var i = kv.indexOf("="), k = kv.slice(0, i), v = kv.slice(i + 1);
      if (k === "lang") { setLang(v, true); got = true; }
      if (k === "t" && D.time) { D.time.forEach(function (s, j) { if (String(s.v) === v) { setTime(j, true); } }); got = true; }
      if (k === "layers") {
        var on = v ? v.split(",") : [];
        D.layers.forEach(function (l) {
          var want = on.indexOf(l.id) >= 0;
          if (want && !map.hasLayer(groups[l.id])) { map.addLayer(groups[l.id]); }
          if (!want && map.hasLayer(groups[l.id])) { map.removeLayer(groups[l.id]); }
        });
        got = true;
      }
    });
    return got;
  }

  readHash();
  window.neaDrawn = performance.now();
  window.addEventListener("hashchange", function () { if (!writing && readHash()) { placeLabels(); } });
  map.on("zoomstart", function () { map.getPane("nea-labels").style.visibility = "hidden"; });
  map.on("moveend", function () { placeLabels(); map.getPane("nea-labels").style.visibility = ""; writeHash(); });
  map.on("overlayadd overlayremove", function () { syncLegend(); placeLabels(); writeHash(); });
  map.on("resize", function () { fitMinZoom(); placeLabels(); });
  placeLabels();
  window.neaLabelled = performance.now();
  window.nea = {map: map, features: feats, labels: labels, search: search, choose: choose, setLang: setLang, norm: norm,
    setTime: setTime, place: placeLabels, layersControl: layersCtl};
})();
