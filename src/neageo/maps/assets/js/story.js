/* neageo story: chapters of text beside the map (above it on a phone).  Scrolling, the chapter
   links and the keys (PageDown/PageUp, arrows, Space, while focus is in the story column) move from
   one chapter to the next; each chapter sets the map's view, layers, time stop and highlighted
   features.  The URL hash names the chapter (written with replaceState, so Back leaves the page);
   "Explore the map" frees the map and hands the hash to the map-state plugin until the reader
   returns.  Every text comes from the payload and is set with textContent; pictures and charts are
   SVG elements built from numbers. */
(function (neageo) {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var NEXT = {PageDown: 1, ArrowDown: 1, ArrowRight: 1, " ": 1};
  var PREV = {PageUp: 1, ArrowUp: 1, ArrowLeft: 1};

  /** The chapter in view: the last whose top is at or above the reading line (the first when none is). */
  function chapterAt(tops, line) {
    var at = 0;
    for (var i = 0; i < tops.length; i++) { if (tops[i] <= line) { at = i; } }
    return at;
  }
  /** The chapter a key moves to from chapter i of n (Shift+Space goes back), or -1 for a key the story leaves alone. */
  function step(key, shift, i, n) {
    var d = NEXT[key] ? (key === " " && shift ? -1 : 1) : (PREV[key] ? -1 : 0);
    if (!d) { return -1; }
    return Math.max(0, Math.min(n - 1, i + d));
  }
  /** What a hash says: the chapter it names (an id of `ids`, or null) and whether it carries map state (explore). */
  function parseHash(hash, ids) {
    var parts = String(hash || "").replace(/^#/, "").split("&"), id = null, state = false;
    parts.forEach(function (raw) {
      var p;
      try { p = decodeURIComponent(raw); } catch (err) { p = raw; }
      if (ids.indexOf(p) >= 0 && id === null) { id = p; return; }
      if (p.charAt(0) === "@" || /^(layers|t|lang)=/.test(p)) { state = true; }
    });
    return {id: id, explore: state};
  }
  /** A text in a language: {value, lang (the language it is in), fallback (true when it is the English)}. */
  function inLang(texts, lang) {
    if (texts && texts[lang] !== undefined) { return {value: texts[lang], lang: lang, fallback: false}; }
    return {value: texts ? texts.en : "", lang: "en", fallback: lang !== "en"};
  }
  /** Bars of a chart w x h (room below for labels): [{x, y, w, h}] with heights proportional to the values. */
  function barLayout(values, w, h) {
    var max = Math.max.apply(null, values.map(function (v) { return Math.abs(v); }).concat([1e-9]));
    var n = values.length, gap = Math.min(12, w / (n * 4)), bw = (w - gap * (n + 1)) / Math.max(n, 1);
    return values.map(function (v, i) {
      var bh = Math.max(1, Math.abs(v) / max * h);
      return {x: gap + i * (bw + gap), y: h - bh, w: bw, h: bh};
    });
  }

  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function chartNode(chart, label) {
    var W = 300, H = 96, TOP = 16, BOTTOM = 18, svg = svgEl("svg", {viewBox: "0 0 " + W + " " + (H + TOP + BOTTOM),
      role: "img", "class": "nea-chart-svg"});
    var title = svgEl("title");
    svg.appendChild(title);
    var bars = barLayout(chart.bars.map(function (b) { return b[1]; }), W, H), names = [];
    chart.bars.forEach(function (b, i) {
      var r = bars[i];
      svg.appendChild(svgEl("rect", {x: r.x.toFixed(1), y: (r.y + TOP).toFixed(1), width: r.w.toFixed(1),
        height: r.h.toFixed(1), "class": "nea-bar"}));
      var v = svgEl("text", {x: (r.x + r.w / 2).toFixed(1), y: (r.y + TOP - 3).toFixed(1), "class": "nea-bar-value"});
      v.textContent = b[2];
      svg.appendChild(v);
      var t = svgEl("text", {x: (r.x + r.w / 2).toFixed(1), y: H + TOP + 13, "class": "nea-bar-label"});
      svg.appendChild(t);
      names.push(t);
    });
    return {svg: svg, title: title, names: names, label: label};
  }
  function pictureNode(pic) {
    var svg = svgEl("svg", {viewBox: "0 0 " + pic.w + " " + pic.h, role: "img", "class": "nea-picture-svg"});
    svg.appendChild(svgEl("rect", {width: pic.w, height: pic.h, "class": "sea"}));
    pic.paths.forEach(function (p) { svg.appendChild(svgEl("path", {d: p[1], "class": p[0]})); });
    pic.dots.forEach(function (d) { svg.appendChild(svgEl("circle", {cx: d[1], cy: d[2], r: 3.2, "class": "dot " + d[0]})); });
    return svg;
  }

  neageo.story = function (map, options) {
    var h = neageo.hub(map), chapters = options.chapters, ids = chapters.map(function (c) { return c.id; });
    h.addMessages(options.messages, options.texts);
    var doc = document, body = doc.body, container = map.getContainer();
    var reduced = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
    var current = -1, exploring = false, lock = 0, nodes = [];
    var api = {chapters: chapters, index: -1, applyMs: 0};
    body.classList.add("nea-story-on");
    container.classList.add("nea-story-map");

    /* the page carries the empty column (laid out before the map draws); a page without it gets one */
    var main = doc.getElementById("nea-story") || neageo.el("main", "nea-story");
    main.id = "nea-story";
    main.className = "nea-story";
    var head = neageo.el("header", "nea-story-head"), h1 = neageo.el("h1"), intro = neageo.el("p", "nea-story-intro");
    var tools = neageo.el("div", "nea-story-tools"), exploreBtn = neageo.el("button", "nea-story-explore");
    exploreBtn.type = "button";
    tools.appendChild(exploreBtn);
    head.appendChild(h1);
    head.appendChild(intro);
    main.appendChild(head);
    main.appendChild(tools);  /* sticky: a child of the column itself, so it stays in reach from every chapter */
    var nav = neageo.el("nav", "nea-story-toc"), ol = neageo.el("ol");
    nav.appendChild(ol);
    main.appendChild(nav);

    chapters.forEach(function (ch, i) {
      var sec = neageo.el("section", "nea-chapter");
      sec.id = ch.id;
      sec.setAttribute("data-chapter", "");
      sec.tabIndex = -1;
      var hid = "nea-h-" + i, hd = neageo.el("h2");
      hd.id = hid;
      sec.setAttribute("aria-labelledby", hid);
      sec.appendChild(hd);
      var note = neageo.el("p", "nea-fallback-note");
      sec.appendChild(note);
      var text = neageo.el("div", "nea-chapter-text");
      sec.appendChild(text);
      var chart = null;
      if (ch.chart && ch.chart.bars.length) {
        var fig = neageo.el("figure", "nea-chart");
        chart = chartNode(ch.chart);
        chart.caption = neageo.el("figcaption");
        fig.appendChild(chart.svg);
        fig.appendChild(chart.caption);
        sec.appendChild(fig);
      }
      var pic = null;
      if (ch.picture) {
        pic = neageo.el("figure", "nea-picture");
        pic.caption = neageo.el("figcaption");
        pic.appendChild(pic.caption);
        sec.appendChild(pic);
      }
      var cite = neageo.el("cite");
      sec.appendChild(cite);
      main.appendChild(sec);
      var li = neageo.el("li"), a = neageo.el("a");
      a.href = "#" + ch.id;
      a.addEventListener("click", function (e) { e.preventDefault(); go(i, true); });
      li.appendChild(a);
      ol.appendChild(li);
      nodes.push({section: sec, heading: hd, note: note, text: text, chart: chart, picture: pic, cite: cite, link: a});
    });
    main.appendChild(neageo.el("div", "nea-story-end"));
    var live = neageo.el("p", "nea-live");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("role", "status");
    var back = neageo.el("button", "nea-story-return");
    back.type = "button";
    back.hidden = true;
    body.insertBefore(main, body.firstChild);
    body.appendChild(live);
    container.appendChild(back);
    L.DomEvent.disableClickPropagation(back);

    /* the language switch moves into the story's header (back to the map's tools in explore mode) */
    var select = h.plugins.language ? h.plugins.language.select : null, toolsHome = select ? select.parentNode : null;
    if (select) { tools.insertBefore(select, exploreBtn); }

    function setText(node, byLang) {
      var t = inLang(byLang, h.lang);
      node.textContent = t.value;
      if (t.fallback) { node.lang = "en"; node.classList.add("nea-fallback"); } else {
        node.removeAttribute("lang"); node.classList.remove("nea-fallback");
      }
      return t.fallback;
    }
    function texts() {
      setText(h1, options.title);
      setText(intro, options.intro || {en: ""});
      exploreBtn.textContent = h.tr("story_explore");
      back.textContent = h.tr("story_back");
      nav.setAttribute("aria-label", h.tr("story_chapters"));
      chapters.forEach(function (ch, i) {
        var n = nodes[i], fell = setText(n.heading, ch.heading);
        setText(n.link, ch.heading);
        var t = inLang(ch.text, h.lang);
        n.text.textContent = "";
        t.value.forEach(function (para) {
          var p = neageo.el("p", null, para);
          if (t.fallback) { p.lang = "en"; p.className = "nea-fallback"; }
          n.text.appendChild(p);
        });
        fell = setText(n.cite, ch.cite) || fell || t.fallback;
        n.note.textContent = fell ? h.tr("story_english") : "";
        n.note.hidden = !fell;
        if (n.chart) {
          var unit = inLang(ch.chart.unit, h.lang).value;
          var cap = inLang(ch.chart.caption, h.lang).value + (unit ? " (" + unit + ")" : "");
          n.chart.caption.textContent = cap + " · " + ch.chart.cite;
          n.chart.title.textContent = h.tr("story_figure") + ": " + cap;
          n.chart.svg.setAttribute("aria-label", cap + ": " + ch.chart.bars.map(function (b) {
            return inLang(b[0], h.lang).value + " " + b[2];
          }).join(", "));
          n.chart.names.forEach(function (t2, j) { t2.textContent = inLang(ch.chart.bars[j][0], h.lang).value; });
        }
        if (n.picture) {
          n.picture.caption.textContent = h.tr("story_print_picture") + ": " + inLang(ch.heading, h.lang).value;
          if (n.picture.svg) { n.picture.svg.setAttribute("aria-label", n.picture.caption.textContent); }
        }
      });
    }

    /* the print pictures are only seen on paper: built once the map is drawn (or when printing starts) */
    function pictures() {
      chapters.forEach(function (ch, i) {
        var fig = nodes[i].picture;
        if (!fig || fig.svg) { return; }
        fig.svg = pictureNode(ch.picture);
        fig.svg.setAttribute("aria-label", fig.caption.textContent);
        fig.insertBefore(fig.svg, fig.caption);
      });
    }
    window.addEventListener("beforeprint", pictures);
    if (typeof matchMedia === "function") {
      var printing = matchMedia("print");
      if (printing.addEventListener) { printing.addEventListener("change", pictures); }
    }

    var flying = false;
    map.on("moveend", function () { flying = false; });  /* a flight ends with the only moveend it fires */
    function frameOf(ch) { return L.latLngBounds([ch.frame[1], ch.frame[0]], [ch.frame[3], ch.frame[2]]); }
    function apply(i, animate) {
      var ch = chapters[i], t0 = typeof performance !== "undefined" ? performance.now() : 0;
      var b = frameOf(ch), pad = {paddingTopLeft: [12, 12], paddingBottomRight: [12, 12]}, fly = animate && !reduced;
      /* stopping a map that is not moving would still redraw it (Leaflet sets its zoom again) */
      if (flying) { map.stop(); flying = false; }
      /* one batch: a jump comes first, so the chapter's layers are drawn once, at its view, and the
         labels are placed once, at the end */
      h.batch(function () {
        if (!fly) { map.fitBounds(b, L.extend({animate: false}, pad)); }
        if (!exploring) { h.setLayers(ch.layers, true); }
        if (ch.stop !== null && ch.stop !== undefined && h.time) { h.setTime(ch.stop, true); }
        h.highlight(ch.highlight);
      });
      if (fly) {
        flying = true;
        map.flyToBounds(b, L.extend({duration: 0.9}, pad));
      }
      var when = h.time && ch.stop !== null && ch.stop !== undefined ? " · " + neageo.fmtDate(h.time.stops[ch.stop].d, h.lang) : "";
      live.textContent = h.tr("story_map_shows") + inLang(ch.heading, h.lang).value + when;
      api.applyMs = (typeof performance !== "undefined" ? performance.now() : 0) - t0;
    }
    function writeHash(id) {
      if (("#" + id) === location.hash) { return; }
      try { history.replaceState(history.state, "", "#" + id); } catch (err) { /* a sandboxed frame: no hash */ }
    }
    function activate(i, animate, quiet) {
      if (i === current || i < 0 || i >= chapters.length) { return; }
      if (current >= 0) { nodes[current].section.removeAttribute("aria-current"); nodes[current].link.removeAttribute("aria-current"); }
      current = i;
      nodes[i].section.setAttribute("aria-current", "step");
      nodes[i].link.setAttribute("aria-current", "step");
      apply(i, animate);
      if (!quiet) { writeHash(chapters[i].id); }
      api.index = i;
      h.fire("chapter", {index: i, id: chapters[i].id});
    }
    /** Go to chapter i: the map changes now, the text scrolls to it (a scroll it causes changes nothing more). */
    function go(i, focus) {
      if (exploring) { explore(false); }
      activate(i, true);
      lock = Date.now() + 1500;  /* until the scroll it causes ends (scrollend), at most 1.5 s */
      nodes[i].section.scrollIntoView({block: "start", behavior: reduced ? "auto" : "smooth"});
      if (focus) { nodes[i].section.focus({preventScroll: true}); }
    }
    function line() {
      var r = container.getBoundingClientRect(), top = r.width > innerWidth * 0.9 && r.top <= 1 ? r.bottom : 0;
      return top + (innerHeight - top) * 0.4;
    }
    var pending = false;
    function onScroll() {
      if (pending || exploring) { return; }
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        if (Date.now() < lock) { return; }
        var ln = line();
        activate(chapterAt(nodes.map(function (n) { return n.section.getBoundingClientRect().top; }), ln), true);
      });
    }
    function onKey(e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) { return; }
      var tag = e.target && e.target.tagName;
      if (/^(SELECT|INPUT|TEXTAREA)$/.test(tag) || (e.key === " " && /^(BUTTON|A)$/.test(tag))) { return; }
      var to = step(e.key, e.shiftKey, current, chapters.length);
      if (to < 0) { return; }
      e.preventDefault();
      go(to, true);
    }

    function explore(on) {
      var hash = h.plugins.hash;
      exploring = on;
      body.classList.toggle("nea-exploring", on);
      exploreBtn.setAttribute("aria-pressed", on ? "true" : "false");
      back.hidden = !on;
      if (select) { (on && toolsHome ? toolsHome : tools).insertBefore(select, on ? null : exploreBtn); }
      map.invalidateSize({animate: false});
      var id = chapters[Math.max(current, 0)].id;
      if (on) {
        if (hash) { hash.enable(true); hash.read("#" + id); hash.write(); }
        back.focus();
      } else {
        if (hash) { hash.enable(false); }
        writeHash(id);
        var i = Math.max(current, 0);
        current = -1;
        activate(i, false);
        lock = Date.now() + 150;
        nodes[i].section.scrollIntoView({block: "start"});
        nodes[i].section.focus({preventScroll: true});
      }
    }
    exploreBtn.addEventListener("click", function () { explore(true); });
    back.addEventListener("click", function () { explore(false); });
    main.addEventListener("keydown", onKey);
    window.addEventListener("scroll", onScroll, {passive: true});
    window.addEventListener("scrollend", function () { if (lock) { lock = 0; onScroll(); } });
    h.on("lang", function () { texts(); if (current >= 0) { live.textContent = ""; } });
    texts();

    api.go = go;
    api.explore = explore;
    api.isExploring = function () { return exploring; };
    h.plugins.story = api;
    /* once the map is drawn and framed: open the chapter the address names (or the first) */
    h.on("ready", function () {
      (window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); })(pictures);
      map.invalidateSize({animate: false});
      var opened = typeof location !== "undefined" ? location.hash : "", want = parseHash(opened, ids);
      var i = want.id === null ? 0 : ids.indexOf(want.id);
      if (want.id !== null) {
        lock = Date.now() + 300;
        nodes[i].section.scrollIntoView({block: "start"});
      }
      activate(i, false, want.id === null);  /* the address stays as it is until the reader moves */
      if (want.explore && h.plugins.hash) {
        explore(true);
        h.plugins.hash.read(opened);
        h.plugins.hash.write();
      }
    });
    return api;
  };
  if (typeof module === "object" && module.exports) {
    module.exports = {chapterAt: chapterAt, step: step, parseHash: parseHash, inLang: inLang, barLayout: barLayout};
  }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
