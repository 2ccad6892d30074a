/* neageo legend: a foldable list of symbols (point, line, area) with their meaning; a row tied to a
   layer shows while that layer is on. */
(function (neageo) {
  "use strict";

  /** CSS for a legend swatch of a shape drawn with a Leaflet path style. */
  function swatch(shape, st) {
    var css = {};
    if (shape === "point") {
      css.background = st.fillColor || st.color;
      css.border = Math.min(st.weight || 1, 3) + "px solid " + st.color;
    } else if (shape === "line") {
      css.borderTop = Math.max(1, Math.min(st.weight || 1, 6)) + "px " + (st.dashArray ? "dashed" : "solid") + " " + st.color;
    } else {
      css.background = st.fillColor || st.color;
      css.opacity = String(Math.max(st.fillOpacity || 0, 0.5));
      css.border = "1px " + (st.dashArray ? "dashed" : "solid") + " " + st.color;
    }
    return css;
  }

  neageo.legend = function (map, options) {
    var h = neageo.hub(map), rows = [], summary, note;
    h.addMessages(options.messages, options.texts);
    var ctl = L.control({position: options.position || "bottomleft"});
    ctl.onAdd = function () {
      var d = neageo.el("details", "nea-legend nea-panel leaflet-control");
      d.open = options.open !== undefined ? options.open : map.getSize().x >= 600;
      summary = neageo.el("summary", null, h.tr("legend"));
      d.appendChild(summary);
      options.rows.forEach(function (r) {
        var row = neageo.el("div", "row"), sw = neageo.el("span", "nea-sw " + r.shape), text = neageo.el("span", null, h.t(r.label));
        var css = swatch(r.shape, r.style);
        Object.keys(css).forEach(function (k) { sw.style[k] = css[k]; });
        row.appendChild(sw);
        row.appendChild(text);
        if (r.layer) { row.setAttribute("data-layer", r.layer); }
        d.appendChild(row);
        rows.push({row: row, text: text, r: r});
      });
      if (options.note) {
        note = neageo.el("div", "note", h.t(options.note));
        d.appendChild(note);
      }
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    ctl.addTo(map);
    if (options.scale) { L.control.scale({position: options.position || "bottomleft", imperial: false}).addTo(map); }
    function sync() {
      rows.forEach(function (x) {
        x.row.style.display = !x.r.layer || !h.layers[x.r.layer] || h.layerOn(x.r.layer) ? "" : "none";
      });
    }
    /* a map layer of the hub (not each of the thousands of features inside one) comes or goes */
    map.on("overlayadd overlayremove layeradd layerremove", function (e) {
      if (!e.layer || e.layer.neageoId !== undefined) { sync(); }
    });
    h.on("features", sync);
    h.on("change", sync);
    h.on("lang", function () {
      summary.textContent = h.tr("legend");
      rows.forEach(function (x) { x.text.textContent = h.t(x.r.label); });
      if (note) { note.textContent = h.t(options.note); }
    });
    sync();
    var api = {control: ctl, sync: sync};
    h.plugins.legend = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {swatch: swatch}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
