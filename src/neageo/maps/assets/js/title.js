/* neageo title: a panel with the map's title and description, and a row where the search and
   language plugins put their controls (when there is no title panel they make their own). */
(function (neageo) {
  "use strict";

  /** A panel for controls of other plugins: the title's tools row when there is one, else a control of its own. */
  function slot(map, name, cls) {
    var h = neageo.hub(map);
    if (h.slots[name]) { return h.slots[name]; }
    var ctl = L.control({position: "topleft"});
    ctl.onAdd = function () {
      var d = neageo.el("div", "leaflet-control nea-panel " + cls);
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    ctl.addTo(map);
    return ctl.getContainer();
  }

  neageo.title = function (map, options) {
    var h = neageo.hub(map);
    h.addMessages(options.messages, options.texts);
    var ctl = L.control({position: options.position || "topleft"}), head, desc, home = null;
    ctl.onAdd = function () {
      var d = neageo.el("div", "nea-title nea-panel leaflet-control");
      if (options.home && /^[\w./-]+$/.test(options.home)) {  /* a relative link only: no script, no other site */
        home = neageo.el("a", "nea-home", "← " + h.tr("home"));
        home.href = options.home;
        d.appendChild(home);
      }
      head = neageo.el("h1", null, h.t(options.title));
      d.appendChild(head);
      if (options.description) {
        desc = neageo.el("p", null, h.t(options.description));
        d.appendChild(desc);
      }
      h.slots.tools = neageo.el("div", "nea-tools");
      h.slots.below = neageo.el("div", "nea-below");
      d.appendChild(h.slots.tools);
      d.appendChild(h.slots.below);
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    ctl.addTo(map);
    map.getContainer().setAttribute("aria-label", options.title);
    var docTitle = typeof document !== "undefined" && document.title === options.title;
    h.on("lang", function () {
      head.textContent = h.t(options.title);
      if (home) { home.textContent = "← " + h.tr("home"); }
      if (desc) { desc.textContent = h.t(options.description); }
      if (docTitle) { document.title = h.t(options.title); }
      map.getContainer().setAttribute("aria-label", h.t(options.title));
    });
    h.plugins.title = {control: ctl};
    return ctl;
  };
  neageo.slot = slot;
  if (typeof module === "object" && module.exports) { module.exports = {slot: slot}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
