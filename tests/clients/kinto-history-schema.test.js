// The history plugin and JSON-schema validation through the stock clients:
// kinto-http 5.3.0's listHistory, and a schema refusal as kinto-http and
// kinto.js 17.1.1 report it (run.sh starts the server with `history` in
// includes and experimental_collection_schema_validation on).

import "fake-indexeddb/auto";
import { describe, it } from "node:test";
import assert from "node:assert/strict";

import kintoModule from "kinto";
import kintoHttpModule from "kinto-http";

import { SERVER, basic, uniq, traced } from "./lib/harness.js";

const Kinto = kintoModule.default;
const KintoClient = kintoHttpModule.default;
const ARTICLE = {
  type: "object",
  properties: { title: { type: "string" } },
  required: ["title"],
};

async function bucketWithSchema() {
  const api = new KintoClient(SERVER, { headers: { Authorization: basic("alice") } });
  const bid = uniq("hist");
  await api.createBucket(bid);
  const bucket = api.bucket(bid);
  await bucket.createCollection("articles", { data: { schema: ARTICLE } });
  return { api, bid, bucket };
}

describe("kinto-http@5.3.0: history", () => {
  it(
    "listHistory shows every write, newest first, and filters",
    traced(async () => {
      const { api, bid, bucket } = await bucketWithSchema();
      const caps = await api.fetchServerCapabilities();
      assert.ok(caps.history, "capability history");
      const coll = bucket.collection("articles");
      const { data: rec } = await coll.createRecord({ title: "first" });
      await coll.updateRecord({ ...rec, title: "second" });
      await coll.deleteRecord(rec.id);

      const { data } = await bucket.listHistory({ pages: Infinity });
      assert.deepEqual(
        data.map((e) => `${e.resource_name}:${e.action}`),
        ["record:delete", "record:update", "record:create", "collection:create", "bucket:create"],
      );
      const update = data[1];
      assert.equal(update.uri, `/buckets/${bid}/collections/articles/records/${rec.id}`);
      assert.equal(update.collection_id, "articles");
      assert.equal(update.record_id, rec.id);
      assert.equal(update.target.data.title, "second");
      assert.match(update.user_id, /^basicauth:/);

      const records = await bucket.listHistory({ filters: { resource_name: "record", action: "create" }, pages: Infinity });
      assert.equal(records.data.length, 1);
      const since = await bucket.listHistory({ since: String(data[2].last_modified), pages: Infinity });
      assert.equal(since.data.length, 2);
    }),
  );
});

describe("kinto-http@5.3.0: records at a timestamp", () => {
  it(
    "listRecords({ at }) rebuilds the collection as it was, from history",
    traced(async () => {
      const { bucket } = await bucketWithSchema();
      const coll = bucket.collection("articles");
      const { data: one } = await coll.createRecord({ title: "one" });
      const { data: two } = await coll.createRecord({ title: "two" });
      await coll.updateRecord({ ...one, title: "changed" });
      await coll.deleteRecord(two.id);
      await coll.createRecord({ title: "three" });

      const { data } = await coll.listRecords({ at: two.last_modified });
      assert.deepEqual(data.map((r) => r.title).sort(), ["one", "two"]);
    }),
  );
});

describe("schema validation through the clients", () => {
  it(
    "kinto-http: a record the collection's schema refuses is a 400 naming the field",
    traced(async () => {
      const { bucket } = await bucketWithSchema();
      const caps = await new KintoClient(SERVER).fetchServerCapabilities();
      assert.ok(caps.schema, "capability schema");
      const coll = bucket.collection("articles");
      await assert.rejects(coll.createRecord({ title: 42 }), (err) => {
        assert.equal(err.data.code, 400);
        assert.equal(err.data.errno, 107);
        assert.equal(err.data.details[0].name, "title");
        return true;
      });
      const { data } = await coll.createRecord({ title: "ok" });
      assert.equal(typeof data.schema, "number", "records carry the schema version");
    }),
  );

  it(
    "kinto.js: sync reports the refused record as an outgoing error and keeps the valid one",
    traced(async () => {
      const { bid } = await bucketWithSchema();
      const kinto = new Kinto({
        remote: SERVER,
        bucket: bid,
        headers: { Authorization: basic("alice") },
        adapterOptions: { dbName: uniq("schema") },
      });
      const local = kinto.collection("articles");
      await local.create({ title: "valid" });
      const { data: bad } = await local.create({ body: "no title" });
      const result = await local.sync();
      assert.equal(result.ok, false);
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
      const [error] = result.errors;
      assert.equal(error.type, "outgoing");
      assert.equal(error.sent.body.data.id, bad.id);
      assert.equal(error.error.errno, 107);
      assert.equal(error.error.details[0].name, "title");
      assert.equal(result.published.length, 1);
    }),
  );
});
