// The default_bucket plugin and incremental sync, seen by the stock clients.
//
// * kinto.js used out of the box — `new Kinto({remote, headers})`, no
//   `bucket` option, so it syncs `/buckets/default/collections/tasks`, which
//   the server maps to the user's personal bucket (PROTOCOL.md §12.1);
// * kinto.js incremental pulls: `_since` returns only the changes (tombstones
//   included, §4.3), and the pull that follows a push excludes the pushed
//   records with `exclude_id` (§5.5 step 6);
// * kinto-http (and the client bundled in kinto.js) against `default`.
//
// Every test uses its own basicauth user, hence its own personal bucket, so
// the tests do not see each other's records.

import "fake-indexeddb/auto";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";

import kintoModule from "kinto";
import { KintoClient } from "kinto";

import {
  SERVER,
  PAGINATE_BY,
  DEFAULT_BUCKET_HMAC_SECRET,
  personalBucketId,
  basic,
  uniq,
  traced,
  unquote,
  recorded,
  recordedBatchSubrequests,
  mark,
  rejectsWithStatus,
  raw,
} from "./lib/harness.js";
import { IMPLEMENTATIONS, assertOk, localRecord, summary } from "./lib/clients.js";

// CommonJS modules with an ES-module-style default export.
const Kinto = kintoModule.default;

const CID = "tasks";
const DEFAULT_PATH = `/buckets/default/collections/${CID}`;
// 8-4-4-4-12 lower-case hex (a UUID shape without the UUID4 version bits)
const BUCKET_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A fresh user: name, Authorization header and kinto-http client. */
async function freshUser(prefix = "user") {
  const name = uniq(prefix);
  const headers = { Authorization: basic(name) };
  const api = new KintoClient(SERVER, { headers });
  const user = await api.fetchUser();
  return { name, headers, api, user };
}

/**
 * A simulated device running kinto.js as documented: no `bucket` option. Each
 * device has its own IndexedDB database (adapterOptions.dbName), as two
 * browsers would.
 */
function device(headers, collectionOptions = {}) {
  const kinto = new Kinto({ remote: SERVER, headers, adapterOptions: { dbName: uniq("device") } });
  return kinto.collection(CID, collectionOptions);
}




const localIds = async (coll) => (await coll.list()).data.map((r) => r.id).sort();

/**
 * The records-list GETs (pulls) among `exchanges`: kinto.js asks for
 * /buckets/default/…, the Next-Page URLs it follows name the real bucket id.
 */
function pulls(exchanges, realBucket) {
  const prefixes = ["default", realBucket].filter(Boolean).map((b) => `${SERVER}/buckets/${b}/collections/${CID}/records`);
  return exchanges.filter(
    (e) => e.method === "GET" && prefixes.some((p) => e.url === p || e.url.startsWith(p + "?"))
  );
}

/** Query parameters of a URL as an object (values percent-decoded). */
const query = (url) => Object.fromEntries(new URL(url).searchParams.entries());

/** The items of a pull, all pages concatenated. */
function pulledItems(pageExchanges) {
  return pageExchanges.flatMap((e) => JSON.parse(e.responseBody).data);
}

/**
 * Split the pulls of one sync into page runs: a run starts with the URL kinto.js
 * builds, and continues with the Next-Page URLs the server handed out.
 */
function pullRuns(pageExchanges) {
  const runs = [];
  let expectedNext;
  for (const e of pageExchanges) {
    if (expectedNext && e.url === expectedNext) runs.at(-1).push(e);
    else runs.push([e]);
    expectedNext = e.responseHeaders && e.responseHeaders["next-page"];
  }
  return runs;
}

describe("kinto@17.1.1 out of the box: the default bucket", () => {
  it(
    "two devices of one user sync through /buckets/default; records live in hello's user.bucket",
    traced(async () => {
      const { headers, api, user } = await freshUser("tasks-user");
      assert.match(user.bucket || "", BUCKET_ID_RE, `hello has user.bucket: ${JSON.stringify(user)}`);
      if (DEFAULT_BUCKET_HMAC_SECRET) {
        assert.equal(user.bucket, personalBucketId(user.id), "user.bucket = HMAC-SHA256(secret, user id), 8-4-4-4-12");
      }

      const A = device(headers);
      assert.equal(A.bucket, "default", "kinto.js uses the 'default' bucket when none is given");
      const titles = ["buy milk", "walk the dog", "write tests"];
      const ids = [];
      for (const title of titles) ids.push((await A.create({ title, done: false })).data.id);

      let m = mark();
      const resA = await A.sync();
      assertOk(resA, "A sync");
      assert.equal(resA.published.length, 3);

      // What went over the wire: everything addresses /buckets/default.
      const ex = recorded(m);
      const meta = ex.find((e) => e.method === "GET" && e.url.startsWith(SERVER + DEFAULT_PATH) && !e.url.includes("/records"));
      assert.ok(meta, "collection metadata fetched from /buckets/default/collections/tasks");
      assert.equal(meta.status, 200, "the default bucket and its collection are created implicitly");
      assert.equal(JSON.parse(meta.responseBody).data.id, CID);
      const subs = recordedBatchSubrequests(m);
      assert.equal(subs.length, 3);
      for (const { request, response } of subs) {
        const id = request.body.data.id;
        assert.equal(request.method, "PUT");
        assert.equal(request.path, `${DEFAULT_PATH}/records/${id}`);
        assert.equal(request.headers["If-None-Match"], "*");
        assert.equal(response.status, 201, `sub-response for ${id}: ${JSON.stringify(response)}`);
        assert.equal(response.body.data.id, id);
        // PROTOCOL §16: batch sub-responses keep /buckets/default in `path`
        assert.equal(response.path, `/v1${DEFAULT_PATH}/records/${id}`);
      }

      // The records live in the personal bucket reported by hello.
      const real = api.bucket(user.bucket).collection(CID);
      const server = (await real.listRecords({ pages: Infinity })).data;
      assert.deepEqual(server.map((r) => r.id).sort(), [...ids].sort());
      for (const rec of (await A.list()).data) {
        const s = server.find((r) => r.id === rec.id);
        assert.equal(s.title, rec.title);
        assert.equal(s.last_modified, rec.last_modified);
        assert.equal(rec._status, "synced");
      }
      assert.equal((await api.bucket("default").getData()).id, user.bucket, "GET /buckets/default answers the real bucket");
      const buckets = (await api.listBuckets({ pages: Infinity })).data.map((b) => b.id);
      assert.ok(buckets.includes(user.bucket), `listBuckets has the personal bucket: ${buckets}`);
      assert.ok(!buckets.includes("default"), "'default' is an alias, not a bucket");
      assert.ok((await api.bucket("default").getPermissions()).write.includes(user.id), "the user owns his bucket");
      assert.equal(String(await A.db.getLastModified()), unquote(await real.getRecordsTimestamp()));

      // A second device of the same user pulls everything.
      const B = device(headers);
      m = mark();
      const resB = await B.sync();
      assertOk(resB, "B sync");
      assert.equal(resB.created.length, 3, summary(resB));
      assert.deepEqual(await localIds(B), [...ids].sort());
      const bPulls = pulls(recorded(m), user.bucket);
      assert.ok(bPulls.length >= 1, "B pulled from /buckets/default/…/records");
      assert.equal(query(bPulls[0].url)._since, undefined, "no _since on a device's first sync");
      if (PAGINATE_BY && PAGINATE_BY < 3) {
        // Next-Page URLs name the real bucket (PROTOCOL §12.1 and §16)
        const next = bPulls[0].responseHeaders["next-page"];
        assert.ok(next, "first page has a Next-Page");
        assert.ok(
          next.startsWith(`${SERVER}/buckets/${user.bucket}/collections/${CID}/records?`),
          `Next-Page uses the personal bucket id: ${next}`
        );
      }

      // A deletion on A reaches B through the tombstone returned with _since.
      const gone = ids[1];
      const lmB = await B.db.getLastModified();
      await A.delete(gone);
      m = mark();
      assertOk(await A.sync(), "A pushes the deletion");
      const [del] = recordedBatchSubrequests(m);
      assert.equal(del.request.method, "DELETE");
      assert.equal(del.request.path, `${DEFAULT_PATH}/records/${gone}`);
      assert.equal(del.response.status, 200, JSON.stringify(del.response));
      assert.equal(del.response.body.data.deleted, true);

      m = mark();
      const resB2 = await B.sync();
      assertOk(resB2, "B pulls the deletion");
      assert.equal(resB2.deleted.length, 1, summary(resB2));
      assert.equal(await localRecord(B, gone), undefined, "B dropped the deleted record");
      assert.deepEqual(await localIds(B), [ids[0], ids[2]].sort());
      const [first] = pulls(recorded(m), user.bucket);
      assert.equal(query(first.url)._since, String(lmB), "B's pull sends _since=<its lastModified>");
      const runs = pullRuns(pulls(recorded(m), user.bucket));
      assert.equal(runs.length, 1, "one pull");
      const items = pulledItems(runs[0]);
      assert.deepEqual(items.map((r) => r.id), [gone], "only the change is pulled");
      assert.equal(items[0].deleted, true, "as a tombstone");
    })
  );

  it(
    "another user's default bucket is a different bucket: his kinto.js sees nothing of ours",
    traced(async () => {
      const alice = await freshUser("owner");
      const mallory = await freshUser("stranger");
      assert.notEqual(mallory.user.bucket, alice.user.bucket);

      const A = device(alice.headers);
      const mine = (await A.create({ title: "private" })).data.id;
      assertOk(await A.sync(), "alice sync");

      const M = device(mallory.headers);
      const resM = await M.sync();
      assertOk(resM, "mallory sync");
      assert.equal(resM.created.length, 0, summary(resM));
      assert.deepEqual((await M.list()).data, []);

      // mallory's own records go to his own bucket and never reach alice
      const his = (await M.create({ title: "mallory's" })).data.id;
      assertOk(await M.sync(), "mallory push");
      assert.deepEqual(
        (await mallory.api.bucket(mallory.user.bucket).collection(CID).listRecords()).data.map((r) => r.id),
        [his]
      );
      const resA = await A.sync();
      assertOk(resA, "alice sync again");
      assert.equal(resA.created.length, 0, summary(resA));
      assert.deepEqual(await localIds(A), [mine]);

      // and alice's real bucket is not readable by mallory
      await rejectsWithStatus(
        mallory.api.bucket(alice.user.bucket).collection(CID).listRecords(),
        403,
        "mallory lists alice's personal bucket"
      );
      await rejectsWithStatus(mallory.api.bucket(alice.user.bucket).getData(), 403, "mallory reads alice's personal bucket");
    })
  );
});

describe("kinto@17.1.1 with an account (accounts plugin)", () => {
  it(
    "an account created with createAccount() syncs its default bucket across devices",
    traced(async () => {
      const name = uniq("kinto-acct");
      const password = "correct horse";
      await new KintoClient(SERVER).createAccount(name, password);
      const headers = { Authorization: basic(name, password) };
      const api = new KintoClient(SERVER, { headers });
      const user = await api.fetchUser();
      assert.equal(user.id, `account:${name}`);
      if (DEFAULT_BUCKET_HMAC_SECRET) assert.equal(user.bucket, personalBucketId(user.id));

      const A = device(headers);
      const id = (await A.create({ title: "from an account" })).data.id;
      const res = await A.sync();
      assertOk(res, "A sync");
      assert.equal(res.published.length, 1);
      const rec = (await api.bucket(user.bucket).collection(CID).getRecord(id));
      assert.equal(rec.data.title, "from an account");
      assert.deepEqual(rec.permissions.write, [user.id]);

      const B = device(headers);
      const resB = await B.sync();
      assertOk(resB, "B sync");
      assert.deepEqual(await localIds(B), [id]);

      await api.execute({ method: "DELETE", path: `/accounts/${name}`, headers });
    })
  );
});

describe("kinto@17.1.1 incremental sync", () => {
  it(
    "a later pull sends _since and receives only the changes (updates, creations, tombstones)",
    traced(async () => {
      const { headers, user } = await freshUser("incr");
      const A = device(headers);
      const ids = [];
      for (let i = 1; i <= 4; i++) ids.push((await A.create({ title: `task ${i}`, n: i })).data.id);
      assertOk(await A.sync(), "A initial sync");
      const B = device(headers);
      assertOk(await B.sync(), "B initial sync");
      assert.deepEqual(await localIds(B), [...ids].sort());
      const lmB = await B.db.getLastModified();
      assert.ok(Number.isInteger(lmB) && lmB > 0, `B saved a lastModified: ${lmB}`);

      // on A: update #1, delete #2, create #5; #3 and #4 untouched
      const [r1, r2, r3, r4] = ids;
      await A.update({ ...(await localRecord(A, r1)), title: "task 1 (edited)" });
      await A.delete(r2);
      const r5 = (await A.create({ title: "task 5", n: 5 })).data.id;
      assertOk(await A.sync(), "A pushes three changes");
      const lmA = await A.db.getLastModified();

      const m = mark();
      const res = await B.sync();
      assertOk(res, "B incremental sync");
      assert.equal(res.updated.length, 1, summary(res));
      assert.equal(res.deleted.length, 1, summary(res));
      assert.equal(res.created.length, 1, summary(res));

      const runs = pullRuns(pulls(recorded(m), user.bucket));
      assert.equal(runs.length, 1, "one pull (nothing was pushed, so no exclude_id pull)");
      const [run] = runs;
      const q = query(run[0].url);
      assert.equal(q._since, String(lmB), "the pull sends _since=<B's lastModified>");
      assert.equal(q._sort, "-last_modified");
      for (const page of run.slice(1)) assert.equal(query(page.url)._since, String(lmB), "Next-Page keeps _since");
      if (PAGINATE_BY) assert.equal(run.length, Math.ceil(3 / PAGINATE_BY), "pages of the 3 changes only");

      const items = pulledItems(run);
      assert.deepEqual(items.map((r) => r.id).sort(), [r1, r2, r5].sort(), "only the changed records come back");
      assert.ok(!items.some((r) => r.id === r3 || r.id === r4), "unchanged records are not re-sent");
      const tomb = items.find((r) => r.id === r2);
      assert.equal(tomb.deleted, true, "the deletion comes as a tombstone");
      assert.ok(tomb.last_modified > lmB);
      assert.equal(items.find((r) => r.id === r1).title, "task 1 (edited)");
      assert.ok(items.every((r) => r.last_modified > lmB), "every item is newer than _since");
      const lms = items.map((r) => r.last_modified);
      assert.deepEqual(lms, [...lms].sort((a, b) => b - a), "ordered by -last_modified");
      assert.equal(unquote(run.at(-1).responseHeaders.etag), String(lmA), "ETag of the last page = newest change");

      assert.equal(await B.db.getLastModified(), lmA, "B saved the new lastModified");
      assert.deepEqual(await localIds(B), [r1, r3, r4, r5].sort());
      assert.equal((await localRecord(B, r1)).title, "task 1 (edited)");

      // nothing new: the next pull is an empty _since list with the same ETag
      const m2 = mark();
      const again = await B.sync();
      assertOk(again, "B sync with nothing new");
      const [p] = pulls(recorded(m2), user.bucket);
      assert.equal(query(p.url)._since, String(lmA));
      assert.deepEqual(JSON.parse(p.responseBody).data, []);
      assert.equal(unquote(p.responseHeaders.etag), String(lmA));
    })
  );

  it(
    "after a push, the exclude_id pull returns no echo of the pushed records",
    traced(async () => {
      const { headers, api, user } = await freshUser("echo");
      const remote = api.bucket("default").collection(CID);

      // first sync of a device with local records: pull, push, pull again
      const A = device(headers);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await A.create({ i })).data.id);
      let m = mark();
      const res = await A.sync();
      assertOk(res, "A sync");
      assert.equal(res.published.length, 3);
      let runs = pullRuns(pulls(recorded(m), user.bucket));
      assert.equal(runs.length, 2, "a pull before and a pull after the push");
      const before = runs[0];
      const after = runs[1];
      const lmBefore = unquote(before.at(-1).responseHeaders.etag);
      let q = query(after[0].url);
      assert.ok(q.exclude_id, `the second pull sends exclude_id: ${after[0].url}`);
      assert.deepEqual(q.exclude_id.split(",").sort(), [...ids].sort(), "exclude_id lists the published ids");
      assert.equal(q._since, lmBefore, "and _since = the first pull's ETag");
      assert.deepEqual(pulledItems(after), [], "no echo of the pushed records");
      const newest = Math.max(...res.published.map((r) => r.last_modified));
      assert.equal(unquote(after.at(-1).responseHeaders.etag), String(newest), "its ETag is the newest pushed timestamp");
      assert.equal(await A.db.getLastModified(), newest, "A saved that ETag");

      // second round: an update and a creation; another client writes between
      // A's pull and A's push. The exclude_id pull returns that write, and only it.
      let armed = false;
      let concurrent;
      const A2 = device(headers, {
        hooks: {
          "incoming-changes": [
            async (payload) => {
              if (armed) {
                armed = false;
                concurrent = (await remote.createRecord({ by: "someone else" })).data;
              }
              return payload;
            },
          ],
        },
      });
      assertOk(await A2.sync(), "A2 initial sync");
      await A2.update({ ...(await localRecord(A2, ids[0])), i: "zero" });
      const fresh = (await A2.create({ i: 3 })).data.id;
      const lmA2 = await A2.db.getLastModified();
      armed = true;
      m = mark();
      const res2 = await A2.sync();
      assertOk(res2, "A2 sync");
      assert.equal(armed, false, "hook ran");
      assert.equal(res2.published.length, 2);
      runs = pullRuns(pulls(recorded(m), user.bucket));
      assert.equal(runs.length, 2);
      assert.equal(query(runs[0][0].url)._since, String(lmA2));
      assert.deepEqual(pulledItems(runs[0]), [], "nothing new before the push");
      q = query(runs[1][0].url);
      assert.deepEqual(q.exclude_id.split(",").sort(), [ids[0], fresh].sort());
      assert.equal(q._since, String(lmA2), "_since is the first pull's ETag");
      const echoed = pulledItems(runs[1]);
      assert.deepEqual(echoed.map((r) => r.id), [concurrent.id], "only the concurrent write, no echo");
      assert.equal(echoed[0].by, "someone else");
      assert.ok(res2.created.some((r) => r.id === concurrent.id), "A2 imported the concurrent record");
      assert.equal((await localRecord(A2, concurrent.id))._status, "synced");
      const all = (await api.bucket(user.bucket).collection(CID).listRecords({ pages: Infinity })).data;
      assert.equal(all.length, 5);
      assert.equal(await A2.db.getLastModified(), Math.max(...all.map((r) => r.last_modified)));
    })
  );
});

// ---------------------------------------------------------------------------
// kinto-http against the default bucket


for (const [label, Client] of IMPLEMENTATIONS) {
  describe(`${label}: default bucket`, () => {
    it(
      "createRecord / listRecords on bucket('default'), fetchUser().bucket and serverInfo.user.bucket",
      traced(async () => {
        const name = uniq("http-user");
        const client = new Client(SERVER, { headers: { Authorization: basic(name) } });

        const coll = client.bucket("default").collection(CID);
        const created = await coll.createRecord({ title: "from kinto-http" });
        const post = recorded().at(-1);
        assert.equal(post.method, "POST");
        assert.equal(post.url, `${SERVER}${DEFAULT_PATH}/records`);
        assert.equal(post.status, 201);
        assert.match(created.data.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(created.data.title, "from kinto-http");

        const listed = await coll.listRecords();
        assert.deepEqual(listed.data, [created.data]);
        assert.equal(listed.last_modified, String(created.data.last_modified));

        const user = await client.fetchUser();
        assert.match(user.id, /^basicauth:/);
        assert.match(user.bucket || "", BUCKET_ID_RE, `fetchUser() has bucket: ${JSON.stringify(user)}`);
        if (DEFAULT_BUCKET_HMAC_SECRET) assert.equal(user.bucket, personalBucketId(user.id));
        const info = await client.fetchServerInfo();
        assert.ok(info.capabilities.default_bucket, "capability default_bucket");
        assert.equal(info.user.bucket, user.bucket, "serverInfo.user.bucket");
        assert.equal(client.serverInfo.user.bucket, user.bucket);
        assert.ok(created.permissions.write.includes(user.id));

        // same record through the real id
        const real = client.bucket(user.bucket).collection(CID);
        assert.deepEqual((await real.getRecord(created.data.id)).data, created.data);
        assert.equal((await client.bucket("default").getData()).id, user.bucket, "GET /buckets/default → real id");
        assert.deepEqual(
          (await client.bucket("default").listCollections()).data.map((c) => c.id),
          [CID],
          "the collection was created implicitly"
        );

        // PUT with an id, update, getRecord, delete through 'default'
        const id = crypto.randomUUID();
        await coll.createRecord({ id, title: "second" }, { safe: true });
        assert.equal(recorded().at(-1).status, 201);
        const up = await coll.updateRecord({ id, title: "second*" });
        assert.equal((await coll.getRecord(id)).data.title, "second*");
        assert.equal((await coll.listRecords({ pages: Infinity })).data.length, 2);
        assert.equal(await coll.getTotalRecords(), 2);
        const del = await coll.deleteRecord(id, { safe: true, last_modified: up.data.last_modified });
        assert.equal(del.data.deleted, true);
        assert.equal(await real.getTotalRecords(), 1);

        // implicit creation of another collection, from a plain GET of its records
        const empty = await client.bucket("default").collection("notes").listRecords();
        assert.deepEqual(empty.data, []);
        assert.deepEqual(
          (await client.bucket(user.bucket).listCollections()).data.map((c) => c.id).sort(),
          ["notes", CID].sort()
        );

        // in a batch: sub-responses keep /buckets/default in `path` (PROTOCOL §16)
        const bid = crypto.randomUUID();
        const responses = await client.batch((b) => b.bucket("default").collection(CID).createRecord({ id: bid, title: "batched" }));
        assert.equal(responses.length, 1);
        assert.equal(responses[0].status, 201, JSON.stringify(responses[0]));
        assert.equal(responses[0].path, `/v1${DEFAULT_PATH}/records/${bid}`);
        assert.equal(responses[0].body.data.title, "batched");
        assert.equal((await real.getRecord(bid)).data.title, "batched");
      })
    );

    it(
      "a fresh user's first request is a batch into 'default'; /permissions lists the personal bucket",
      traced(async () => {
        const client = new Client(SERVER, { headers: { Authorization: basic(uniq("batch-first")) } });
        const responses = await client.batch((b) => {
          b.bucket("default").collection(CID).createRecord({ id: "first", title: "one" });
          b.bucket("default").collection(CID).createRecord({ id: "second", title: "two" });
          b.bucket("default").collection("notes").createRecord({ id: "note", text: "hi" });
        });
        assert.deepEqual(responses.map((r) => r.status), [201, 201, 201], JSON.stringify(responses));
        assert.deepEqual(
          responses.map((r) => r.path),
          [`/v1${DEFAULT_PATH}/records/first`, `/v1${DEFAULT_PATH}/records/second`, "/v1/buckets/default/collections/notes/records/note"]
        );
        const user = await client.fetchUser();
        const bucket = client.bucket(user.bucket);
        assert.deepEqual((await bucket.listCollections()).data.map((c) => c.id).sort(), ["notes", CID].sort());
        assert.deepEqual(
          (await bucket.collection(CID).listRecords({ pages: Infinity })).data.map((r) => r.id).sort(),
          ["first", "second"]
        );

        // the implicitly created bucket and collections belong to the user
        const perms = await client.listPermissions({ pages: Infinity });
        const byUri = Object.fromEntries(perms.data.map((e) => [e.uri, e]));
        for (const uri of [`/buckets/${user.bucket}`, `/buckets/${user.bucket}/collections/${CID}`, `/buckets/${user.bucket}/collections/notes`]) {
          assert.ok(byUri[uri], `/permissions lists ${uri}: ${Object.keys(byUri)}`);
          assert.ok(byUri[uri].permissions.includes("write"), `${uri}: ${byUri[uri].permissions}`);
        }
        assert.equal(byUri[`/buckets/${user.bucket}`].bucket_id, user.bucket);
        assert.ok(!Object.keys(byUri).some((u) => u.includes("/buckets/default")), "entries use the real bucket id");
      })
    );

    it(
      "'default' is per user, and needs authentication",
      traced(async () => {
        const a = new Client(SERVER, { headers: { Authorization: basic(uniq("a")) } });
        const b = new Client(SERVER, { headers: { Authorization: basic(uniq("b")) } });
        await a.bucket("default").collection(CID).createRecord({ owner: "a" });
        const ua = await a.fetchUser();
        const ub = await b.fetchUser();
        assert.notEqual(ua.bucket, ub.bucket);
        assert.deepEqual((await b.bucket("default").collection(CID).listRecords()).data, [], "b sees his own, empty, bucket");
        await rejectsWithStatus(b.bucket(ua.bucket).collection(CID).listRecords(), 403, "b lists a's personal bucket");

        const anon = new Client(SERVER);
        const err = await rejectsWithStatus(anon.bucket("default").collection(CID).listRecords(), 401, "anonymous default bucket");
        assert.equal(err.data.errno, 104);
        const anonInfo = await anon.fetchServerInfo();
        assert.equal(anonInfo.user, undefined);

        // raw: the same request anonymously, and OPTIONS (CORS preflight) needs no auth
        const r = await raw("GET", `${DEFAULT_PATH}/records`, { auth: null });
        assert.equal(r.status, 401);
        const pre = await raw("OPTIONS", `${DEFAULT_PATH}/records`, {
          auth: null,
          headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" },
        });
        assert.equal(pre.status, 200, "preflight on /buckets/default without credentials");
      })
    );
  });
}
