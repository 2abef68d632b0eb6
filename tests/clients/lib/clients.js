// What the test files share beyond the HTTP harness: the two HTTP clients
// under test, and helpers to check kinto.js sync results.
import assert from "node:assert/strict";
import kintoHttpModule from "kinto-http";
import { KintoClient as KintoBundledClient } from "kinto";

// kinto-http on its own, and the copy bundled in kinto.js (used by sync).
export const IMPLEMENTATIONS = [
  ["kinto-http@5.3.0", kintoHttpModule.default],
  ["kinto@17.1.1 KintoClient", KintoBundledClient],
];

// A sync result with its lists reduced to their lengths.
export function summary(res) {
  const o = res.toObject ? res.toObject() : res;
  return JSON.stringify(
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.length : v]))
  );
}

export function assertOk(res, what = "sync") {
  assert.ok(
    res.ok,
    `${what} result not ok: ${summary(res)} errors=${JSON.stringify(res.errors)} conflicts=${JSON.stringify(res.conflicts)}`
  );
}

// A local record, deleted or not.
export async function localRecord(coll, id) {
  const { data } = await coll.getAny(id);
  return data;
}
