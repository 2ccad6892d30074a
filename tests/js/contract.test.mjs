import {test} from "node:test";
import assert from "node:assert/strict";
import Ajv from "ajv";
import {core, fixtures, contract, messages} from "./load.mjs";

const ajv = new Ajv({allErrors: true, strict: false});
ajv.addSchema(contract, "contract");
const validate = (call) => ajv.getSchema("contract#/definitions/" + call);
const calls = Object.keys(contract.definitions).filter((k) => contract.definitions[k]["x-call"]);

test("every plugin in the contract has its function in the page's namespace", () => {
  for (const call of calls) {
    assert.equal(contract.definitions[call]["x-call"], "neageo." + call);
    assert.equal(typeof core[call], "function", call);
  }
});

test("every payload the Python plugins wrote meets the contract", () => {
  const seen = new Set();
  for (const {call, payload} of fixtures.payloads) {
    const v = validate(call);
    assert.ok(v, "no contract for " + call);
    assert.ok(v(payload), call + ": " + JSON.stringify(v.errors));
    seen.add(call);
  }
  assert.deepEqual([...seen].sort(), [...calls].sort());  // and each plugin is among the fixtures
});

test("the contract refuses what it does not document", () => {
  const packed = fixtures.payloads.find((p) => p.call === "packed").payload;
  const bad = JSON.parse(JSON.stringify(packed));
  bad.features[0][1].zz = 1;
  assert.ok(!validate("packed")(bad));
  const noVersion = {...packed};
  delete noVersion.v;
  assert.ok(!validate("packed")(noVersion));
  assert.ok(!validate("frame")({v: 1, frame: [0, 0, 1, 1], maxZoom: 22}));  // zoom is bounded (<= 19)
});

test("messages sent with the payloads come from the one catalogue, in every language", () => {
  const langs = messages.langs.map((l) => l[0]);
  for (const [key, entry] of Object.entries(messages.messages)) {
    for (const lang of langs) { assert.ok(entry[lang], key + " in " + lang); }
  }
  for (const {payload} of fixtures.payloads) {
    for (const [key, entry] of Object.entries(payload.messages || {})) { assert.deepEqual(entry, messages.messages[key]); }
  }
});

test("no payload text holds a template opening", () => {
  const text = JSON.stringify(fixtures.payloads);
  assert.ok(text.includes("7*7"));  // the hostile title is there...
  const parsed = fixtures.payloads.find((p) => p.call === "title").payload.title;
  assert.equal(parsed, "A {{ 7*7 }} title");  // ...as data, read back exactly
});
