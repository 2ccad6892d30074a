import {test} from "node:test";
import assert from "node:assert/strict";
import {core, fixtures} from "./load.mjs";

test("unpack reads what Python's pack wrote", () => {
  for (const {values, text} of fixtures.pack) { assert.deepEqual(core.unpack(text), values); }
});

test("unpack refuses a character outside the alphabet", () => {
  assert.throws(() => core.unpack("ab!"), /bad character/);
});

test("packed geometries decode to the GeoJSON Python started from", () => {
  for (const {packed, geojson} of fixtures.geometry) {
    const got = core.decode(packed, 10000, null);
    assert.equal(got.type, geojson.type);
    assert.deepEqual(JSON.parse(JSON.stringify(got.coordinates)), geojson.coordinates);
  }
});

test("polygons sharing an edge decode from the shared arcs", () => {
  const {arcs, polygons, geojson} = fixtures.topology;
  const arcLine = (k) => core.line(arcs[k], 10000);
  polygons.forEach((g, i) => {
    const ring = core.decode(g, 10000, arcLine).coordinates[0];
    const want = geojson[i].coordinates[0];
    assert.equal(ring.length, want.length);
    const key = (p) => p.join(",");
    assert.deepEqual(new Set(ring.map(key)), new Set(want.map(key)));
    assert.deepEqual(ring[0], ring[ring.length - 1]);
  });
});

test("a coarse level keeps the vertices Python's Douglas-Peucker kept, ends included", () => {
  const {line, keep, points, all} = fixtures.coarse;
  const full = core.line(line, 10000), got = core.line(line, 10000, keep);
  assert.equal(full.length, all);
  assert.ok(got.length < all / 10 && got.length >= 3, String(got.length));  // the zigzag goes, the spike stays
  assert.deepEqual(got, points);
  assert.deepEqual(got[0], full[0]);
  assert.deepEqual(got[got.length - 1], full[full.length - 1]);
  assert.deepEqual(core.line(line, 10000, ""), full);  // "" keeps them all
  assert.deepEqual(core.line(line, 10000, keep, (x, y) => ({x, y}))[0], {x: full[0][0], y: full[0][1]});
  assert.throws(() => core.line(line, 10000, keep + "A"), /bad index/);  // an index the line never reaches
});

test("rings from arcs: reversed references join end to start, with no vertex twice", () => {
  const arcs = [[[0, 0], [1, 0], [1, 1]], [[0, 0], [0, 1], [1, 1]]];
  const ring = core.ring([0, ~1], (k) => arcs[k]);
  assert.deepEqual(ring, [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
});

test("unknown geometry types are an error", () => {
  assert.throws(() => core.decode(["X", ""], 10000, null), /unknown geometry/);
});

test("norm gives the gazetteer's keys", () => {
  for (const {text, key} of fixtures.norm) { assert.equal(core.norm(text), key, text); }
});

test("cap, pick, shownAt and fmtDate", () => {
  assert.equal(core.cap("abcdef", 4), "abc…");
  assert.equal(core.cap(null, 4), "");
  assert.equal(core.pick({en: "Heihe", zh: "黑河"}, "zh"), "黑河");
  assert.equal(core.pick({en: "Heihe"}, "ko"), "Heihe");
  assert.equal(core.shownAt({t: 2004}, 2004), true);
  assert.equal(core.shownAt({t: 2004}, 2005), false);
  assert.equal(core.shownAt({ts: 2004}, 2006), true);
  assert.equal(core.shownAt({ts: 2004}, 2003), false);
  assert.equal(core.shownAt({}, 2003), true);
  assert.equal(core.fmtDate("2005", "en"), "2005");
  assert.match(core.fmtDate("2005-11-13", "en"), /Nov.*13.*2005/);
  assert.equal(core.fmtDate("not a date", "en"), "not a date");
});

test("the hub translates control texts and data texts, English as the fallback", () => {
  const fired = [];
  const map = {fire: (t, d) => fired.push([t, d]), on() {}, hasLayer: () => true};
  const h = new core.Hub(map);
  h.langs = [["en", "English"], ["zh", "中文"]];
  h.addMessages({legend: {en: "Legend", zh: "图例"}}, {"Customs gates": {zh: "口岸"}});
  assert.equal(h.tr("legend"), "Legend");
  assert.equal(h.setLang("zh", true), "zh");
  assert.equal(h.tr("legend"), "图例");
  assert.equal(h.t("Customs gates"), "口岸");
  assert.equal(h.t("Rivers"), "Rivers");
  assert.equal(h.tr("unknown"), "unknown");
  assert.equal(h.setLang("xx", true), "en");  // an unknown language falls back to the first
  assert.deepEqual(fired.map((f) => f[0]), ["neageo:lang", "neageo:lang"]);
});

test("the hub's time hides features outside their stop", () => {
  const map = {fire() {}, on() {}, hasLayer: () => true};
  const h = new core.Hub(map);
  const a = {p: {t: 2004}, lay: {id: "x"}}, b = {p: {ts: 2005}, lay: {id: "x"}}, c = {p: {}, lay: {id: "x"}};
  h.register("x", {}, [a, b, c]);
  h.setStops([{v: 2004, d: "2004"}, {v: 2005, d: "2005"}], 0);
  assert.deepEqual([a.shown, b.shown, c.shown], [true, false, true]);
  h.setTime(1, true);
  assert.deepEqual([a.shown, b.shown, c.shown], [false, true, true]);
  h.setTime(99, true);  // clamped
  assert.equal(h.time.i, 1);
});
