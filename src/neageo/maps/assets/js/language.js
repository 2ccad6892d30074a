/* neageo language: a native <select> of the map's languages; choosing one switches every plugin's
   text (they listen to the hub's "lang" event), the page's <html lang> and Leaflet's own controls. */
(function (neageo) {
  "use strict";

  neageo.language = function (map, options) {
    var h = neageo.hub(map);
    h.langs = options.langs;
    h.addMessages(options.messages, options.texts);
    var select = neageo.el("select");
    select.className = "nea-lang";
    h.langs.forEach(function (l) {
      var o = neageo.el("option", null, l[1]);
      o.value = l[0];
      o.lang = l[0];
      select.appendChild(o);
    });
    select.addEventListener("change", function () { h.setLang(select.value); });
    neageo.slot(map, "tools", "nea-tools").appendChild(select);

    function leafletTexts() {
      var c = map.getContainer();
      [["zoom-in", "zoomin"], ["zoom-out", "zoomout"]].forEach(function (z) {
        var b = c.querySelector(".leaflet-control-" + z[0]);
        if (b) { b.title = h.tr(z[1]); b.setAttribute("aria-label", h.tr(z[1])); }
      });
    }
    h.on("lang", function () {
      select.value = h.lang;
      select.setAttribute("aria-label", h.tr("language"));
      if (options.page !== false && typeof document !== "undefined") { document.documentElement.lang = h.lang; }
      leafletTexts();
    });
    h.setLang(options.lang || h.langs[0][0], true);
    h.on("ready", leafletTexts);
    var api = {select: select};
    h.plugins.language = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
