/* Leaflet 1.9.3 (BSD-2-Clause; (c) 2010-2022 Vladimir Agafonkin, (c) 2010-2011 CloudMade; https://leafletjs.com)
   and the neageo runtime travel compressed (zlib, base64) in #nea-code, which makes the page a third
   smaller; the browser's own DecompressionStream unpacks them and they run as one script. */
(function () {
  "use strict";
  function fail(why) {
    var p = document.createElement("p");
    p.className = "nea-fail";
    p.textContent = "This map could not start: " + why;
    document.getElementById("map").appendChild(p);
    console.error("neageo: " + why);
  }
  if (typeof DecompressionStream === "undefined") {
    fail("it needs a browser that can unpack it (Chrome or Edge 80+, Firefox 113+, Safari 16.4+).");
    return;
  }
  var bin = atob(document.getElementById("nea-code").textContent), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).text().then(function (code) {
    var s = document.createElement("script");
    s.textContent = code;
    document.body.appendChild(s);
  }, function (e) { fail(String(e)); });
})();
