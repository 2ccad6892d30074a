/* neageo credits: the data sources a map draws, in the corner, as text (Leaflet's attribution
   control when the map has one, which takes HTML: the credits are escaped for it). */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./core.js"));
  } else {
    factory(root.neageo);
  }
}(typeof self !== "undefined" ? self : this, function (neageo) {
  "use strict";

  /** Text made safe for a place that takes HTML. */
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  neageo.credits = function (map, options) {
    var h = neageo.hub(map), text = options.credits.join(" · "), node;
    h.addMessages(options.messages, options.texts);
    if (map.attributionControl) {
      map.attributionControl.addAttribution(escapeHtml(text));
      node = map.attributionControl.getContainer();
      node.className += " nea-credit";
    } else {
      var ctl = L.control({position: options.position || "bottomright"});
      ctl.onAdd = function () { return neageo.el("div", "leaflet-control-attribution leaflet-control nea-credit", text); };
      ctl.addTo(map);
      node = ctl.getContainer();
    }
    var api = {node: node};
    h.plugins.credits = api;
    return api;
  };
  return {escapeHtml: escapeHtml};
}));
