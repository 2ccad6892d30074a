import {test} from "node:test";
import assert from "node:assert/strict";
import {story, fixtures} from "./load.mjs";

test("story: the chapter in view is the last whose top has passed the reading line", () => {
  assert.equal(story.chapterAt([100, 900, 1700], 400), 0);
  assert.equal(story.chapterAt([-700, 150, 950], 400), 1);
  assert.equal(story.chapterAt([-1500, -700, 399], 400), 2);
  assert.equal(story.chapterAt([500, 1300], 400), 0);  // above the first: the first
  assert.equal(story.chapterAt([], 400), 0);
});

test("story: PageDown, arrows and Space move one chapter, clamped; other keys are left alone", () => {
  assert.equal(story.step("PageDown", false, 0, 8), 1);
  assert.equal(story.step("ArrowDown", false, 3, 8), 4);
  assert.equal(story.step("ArrowRight", false, 3, 8), 4);
  assert.equal(story.step(" ", false, 3, 8), 4);
  assert.equal(story.step(" ", true, 3, 8), 2);
  assert.equal(story.step("PageUp", false, 3, 8), 2);
  assert.equal(story.step("ArrowUp", false, 0, 8), 0);
  assert.equal(story.step("PageDown", false, 7, 8), 7);
  for (const key of ["Enter", "Tab", "a", "+", "Home"]) { assert.equal(story.step(key, false, 3, 8), -1, key); }
});

test("story: the hash names a chapter; map-state fields mean explore mode; bad hashes are harmless", () => {
  const ids = ["background", "heilongjiang", "primorsky"];
  assert.deepEqual(story.parseHash("#primorsky", ids), {id: "primorsky", explore: false});
  assert.deepEqual(story.parseHash("#primorsky&@43.1000,131.9000,7&layers=a,b", ids), {id: "primorsky", explore: true});
  assert.deepEqual(story.parseHash("", ids), {id: null, explore: false});
  assert.deepEqual(story.parseHash("#nowhere", ids), {id: null, explore: false});
  for (const bad of ["#%E0%A4%A", "#<script>", "#&&&", "#__proto__", "#constructor"]) {
    assert.equal(story.parseHash(bad, ids).id, null, bad);
  }
});

test("story: a text missing in a language falls back to English and says so", () => {
  const t = {en: "Provinces become actors", zh: "省份成为行为者"};
  assert.deepEqual(story.inLang(t, "zh"), {value: "省份成为行为者", lang: "zh", fallback: false});
  assert.deepEqual(story.inLang(t, "ko"), {value: "Provinces become actors", lang: "en", fallback: true});
  assert.deepEqual(story.inLang(t, "en"), {value: "Provinces become actors", lang: "en", fallback: false});
  assert.equal(story.inLang({en: ["a", "b"]}, "ru").value.length, 2);
});

test("story: bars are proportional to the values and fit the chart", () => {
  const bars = story.barLayout([2955, 3823, 0.42], 300, 100);
  assert.equal(bars.length, 3);
  assert.ok(Math.abs(bars[1].h - 100) < 1e-9);
  assert.ok(Math.abs(bars[0].h / bars[1].h - 2955 / 3823) < 1e-9);
  assert.ok(bars[2].h >= 1);  // a tiny value is still seen
  for (const b of bars) { assert.ok(b.x >= 0 && b.x + b.w <= 300 && b.y >= 0 && b.y + b.h <= 100 + 1e-9); }
  assert.ok(bars[0].x + bars[0].w < bars[1].x);
});

test("story: the payload the Python plugin wrote keeps hostile strings as data", () => {
  const p = fixtures.payloads.find((x) => x.call === "story").payload;
  assert.equal(p.title.en, "A {{ 7*7 }} story");
  assert.equal(p.chapters[0].heading.en, "{{ 7*7 }} <img src=x onerror=alert(1)>");
  assert.equal(p.chapters[1].text.zh, undefined);  // no Chinese: the page shows the English, marked
});
