// kinto-http against ratchet.
//
// The whole suite runs twice: once with the standalone `kinto-http` npm
// package (5.3.0, the latest published) and once with the HTTP client that
// `kinto` (kinto.js 17.x) bundles and exports as `KintoClient` — that one is
// the client kinto.js actually uses for sync, and is the maintained
// continuation of kinto-http.

import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";

// Both packages are CommonJS with an ES-module-style `default` export.
import { KintoClient as KintoBundledClient } from "kinto";

import {
  SERVER,
  PAGINATE_BY,
  basic,
  uniq,
  traced,
  unquote,
  recorded,
  rejectsWithStatus,
  raw,
} from "./lib/harness.js";
import { IMPLEMENTATIONS } from "./lib/clients.js";


const isInt = (v) => Number.isInteger(v) && v > 0;
const header = (ex, name) => (ex.requestHeaders || {})[name.toLowerCase()];

for (const [label, Client] of IMPLEMENTATIONS) {
  describe(label, () => {
    const alice = () => new Client(SERVER, { headers: { Authorization: basic("alice") } });
    const bob = () => new Client(SERVER, { headers: { Authorization: basic("bob") } });
    const anon = () => new Client(SERVER);

    let aliceId, bobId;
    before(async () => {
      aliceId = (await alice().fetchUser()).id;
      bobId = (await bob().fetchUser()).id;
    });

    /** A fresh bucket + collection owned by alice; returns kinto-http objects. */
    async function freshCollection(client = alice()) {
      const bid = uniq("blog");
      await client.createBucket(bid);
      await client.bucket(bid).createCollection("articles");
      return { client, bid, bucket: client.bucket(bid), coll: client.bucket(bid).collection("articles") };
    }

    it(
      "fetchServerInfo / serverInfo / fetchUser",
      traced(async () => {
        const client = alice();
        const info = await client.fetchServerInfo();
        assert.equal(typeof info.http_api_version, "string");
        assert.match(info.http_api_version, /^1\.\d+$/);
        assert.equal(client.serverInfo, info, "serverInfo is cached on the client");
        assert.equal(typeof info.capabilities, "object");
        assert.notEqual(info.capabilities, null);
        assert.equal(typeof info.settings, "object");
        assert.equal(typeof info.settings.batch_max_requests, "number");
        assert.equal(info.settings.readonly, false);
        assert.ok(info.url.endsWith("/v1/"), `url ${info.url} ends with /v1/`);
        assert.equal(await client.fetchHTTPApiVersion(), info.http_api_version);
        assert.deepEqual(await client.fetchServerCapabilities(), info.capabilities);
        assert.deepEqual(await client.fetchServerSettings(), info.settings);

        const user = await client.fetchUser();
        assert.match(user.id, /^basicauth:/);
        for (const p of ["system.Everyone", "system.Authenticated", user.id]) {
          assert.ok(user.principals.includes(p), `principals include ${p}`);
        }
        // fetchServerInfo() twice + version/capabilities/settings → one GET /v1/,
        // fetchUser() always asks again.
        const hellos = recorded().filter((e) => e.method === "GET" && e.url === SERVER + "/");
        assert.equal(hellos.length, 2);
        for (const ex of hellos) {
          assert.equal(ex.status, 200);
          assert.match(ex.responseHeaders["content-type"], /^application\/json/);
        }

        const anonInfo = await anon().fetchServerInfo();
        assert.equal(anonInfo.user, undefined, "anonymous hello has no user");
        assert.equal(anonInfo.http_api_version, info.http_api_version);
      })
    );

    it(
      "createBucket / createCollection / listBuckets / listCollections",
      traced(async () => {
        const client = alice();
        const bid = uniq("blog");
        const res = await client.createBucket(bid, { data: { title: "Blog" }, safe: true });
        assert.equal(res.data.id, bid);
        assert.ok(isInt(res.data.last_modified));
        assert.equal(res.data.title, "Blog");
        assert.ok(res.permissions.write.includes(aliceId), "creator is in permissions.write");
        const put = recorded().at(-1);
        assert.equal(put.method, "PUT");
        assert.equal(header(put, "If-None-Match"), "*");
        assert.equal(put.status, 201);
        assert.equal(put.responseHeaders.etag, `"${res.data.last_modified}"`);

        // safe creation of an existing bucket → 412
        const err = await rejectsWithStatus(client.createBucket(bid, { safe: true }), 412, "createBucket(existing, safe)");
        assert.equal(err.data.errno, 114);
        // unsafe re-creation → 200
        const again = await client.createBucket(bid);
        assert.equal(again.data.id, bid);
        assert.equal(recorded().at(-1).status, 200);

        const bucket = client.bucket(bid);
        const coll = await bucket.createCollection("articles", { data: { kind: "news" }, safe: true });
        assert.equal(coll.data.id, "articles");
        assert.equal(coll.data.kind, "news");
        assert.ok(isInt(coll.data.last_modified));
        assert.equal(recorded().at(-1).status, 201);
        await rejectsWithStatus(bucket.createCollection("articles", { safe: true }), 412, "createCollection(existing, safe)");

        // server-generated id (POST)
        const gen = await bucket.createCollection();
        assert.match(gen.data.id, /^[a-zA-Z0-9_-]+$/);
        assert.equal(recorded().at(-1).method, "POST");

        const got = await bucket.collection("articles").getData();
        assert.equal(got.kind, "news");

        const colls = await bucket.listCollections({ pages: Infinity });
        assert.deepEqual(colls.data.map((c) => c.id).sort(), ["articles", gen.data.id].sort());

        const buckets = await client.listBuckets({ pages: Infinity });
        assert.ok(buckets.data.some((b) => b.id === bid), "listBuckets contains the new bucket");

        const missing = await rejectsWithStatus(
          client.bucket(bid).collection("nope").listRecords(),
          404,
          "listRecords on a missing collection"
        );
        assert.equal(missing.data.errno, 111);
      })
    );

    it(
      "createRecord / getRecord / updateRecord with safe (If-None-Match / If-Match)",
      traced(async () => {
        const { coll } = await freshCollection();

        // POST without id, safe → If-None-Match: * on the plural endpoint
        const posted = await coll.createRecord({ title: "generated" }, { safe: true });
        assert.match(posted.data.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.ok(isInt(posted.data.last_modified));

        const id = crypto.randomUUID();
        const created = await coll.createRecord({ id, title: "first" }, { safe: true });
        let ex = recorded().at(-1);
        assert.equal(ex.method, "PUT");
        assert.ok(ex.url.endsWith(`/records/${id}`));
        assert.equal(header(ex, "If-None-Match"), "*");
        assert.equal(ex.status, 201);
        assert.equal(created.data.id, id);
        assert.equal(created.data.title, "first");
        assert.ok(created.data.last_modified > posted.data.last_modified);
        assert.ok(created.permissions.write.includes(aliceId));

        const dup = await rejectsWithStatus(coll.createRecord({ id, title: "dup" }, { safe: true }), 412, "createRecord(existing, safe)");
        assert.equal(dup.data.errno, 114);
        assert.equal(dup.data.details.existing.title, "first");

        const got = await coll.getRecord(id);
        assert.deepEqual(got.data, created.data);
        assert.equal(recorded().at(-1).responseHeaders.etag, `"${created.data.last_modified}"`);

        // full update, safe → If-Match: "<last_modified>"
        const updated = await coll.updateRecord({ ...got.data, title: "second" }, { safe: true });
        ex = recorded().at(-1);
        assert.equal(ex.method, "PUT");
        assert.equal(header(ex, "If-Match"), `"${created.data.last_modified}"`);
        assert.equal(ex.status, 200);
        assert.equal(updated.data.title, "second");
        assert.ok(updated.data.last_modified > created.data.last_modified, "update bumps last_modified");

        // patch update, safe
        const patched = await coll.updateRecord(
          { id, extra: 42 },
          { patch: true, safe: true, last_modified: updated.data.last_modified }
        );
        ex = recorded().at(-1);
        assert.equal(ex.method, "PATCH");
        assert.equal(header(ex, "If-Match"), `"${updated.data.last_modified}"`);
        assert.equal(patched.data.title, "second");
        assert.equal(patched.data.extra, 42);
        assert.ok(patched.data.last_modified > updated.data.last_modified);

        const final = await coll.getRecord(id);
        assert.deepEqual(final.data, patched.data);

        // missing record → 404 errno 110
        const nf = await rejectsWithStatus(coll.getRecord("does-not-exist"), 404, "getRecord(missing)");
        assert.equal(nf.data.errno, 110);
        assert.deepEqual(nf.data.details, { id: "does-not-exist", resource_name: "record" });
      })
    );

    it(
      "deleteRecord (safe and unsafe), tombstone, re-creation",
      traced(async () => {
        const { coll } = await freshCollection();
        const id = crypto.randomUUID();
        const rec = (await coll.createRecord({ id, title: "to delete" })).data;

        const stale = await rejectsWithStatus(
          coll.deleteRecord(id, { safe: true, last_modified: rec.last_modified - 1 }),
          412,
          "deleteRecord(stale last_modified, safe)"
        );
        assert.equal(stale.data.errno, 114);
        assert.equal(stale.data.details.existing.id, id);

        const del = await coll.deleteRecord(id, { safe: true, last_modified: rec.last_modified });
        const ex = recorded().at(-1);
        assert.equal(ex.method, "DELETE");
        assert.equal(header(ex, "If-Match"), `"${rec.last_modified}"`);
        assert.equal(del.data.id, id);
        assert.equal(del.data.deleted, true);
        assert.ok(del.data.last_modified > rec.last_modified);

        const gone = await rejectsWithStatus(coll.getRecord(id), 404, "getRecord(deleted)");
        assert.equal(gone.data.errno, 110);
        await rejectsWithStatus(coll.deleteRecord(id), 404, "deleteRecord(already deleted)");
        assert.equal((await coll.listRecords()).data.length, 0, "tombstones are not listed");

        // re-creation over a tombstone with If-None-Match: *
        const again = await coll.createRecord({ id, title: "reborn" }, { safe: true });
        assert.equal(recorded().at(-1).status, 201);
        assert.equal(again.data.title, "reborn");
        assert.ok(again.data.last_modified > del.data.last_modified);

        // deleteRecord with a record object (uses its last_modified when safe)
        const del2 = await coll.deleteRecord(again.data, { safe: true });
        assert.equal(header(recorded().at(-1), "If-Match"), `"${again.data.last_modified}"`);
        assert.equal(del2.data.deleted, true);
      })
    );

    it(
      "listRecords follows Next-Page (server paginate_by, _limit, pages: Infinity)",
      traced(async () => {
        assert.ok(PAGINATE_BY >= 1 && PAGINATE_BY < 5, "run.sh starts the server with a small paginate_by");
        const { coll } = await freshCollection();
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push((await coll.createRecord({ n: i })).data.id);

        // one page: the server cap decides the size
        const first = await coll.listRecords();
        assert.equal(first.data.length, PAGINATE_BY);
        assert.equal(first.hasNextPage, true);
        const firstEx = recorded().at(-1);
        const nextPage = firstEx.responseHeaders["next-page"];
        assert.ok(nextPage, "first page response has a Next-Page header");
        assert.ok(nextPage.startsWith(SERVER + "/buckets/"), `Next-Page is an absolute URL: ${nextPage}`);
        assert.match(nextPage, /[?&]_token=/);
        assert.match(nextPage, new RegExp(`[?&]_limit=${PAGINATE_BY}(&|$)`));
        const second = await first.next();
        assert.equal(second.data.length, Math.min(PAGINATE_BY, 5 - PAGINATE_BY));
        assert.equal(
          header(recorded().at(-1), "Authorization"),
          basic("alice"),
          "Next-Page request keeps the client's headers"
        );

        // everything
        let before = recorded().length;
        const all = await coll.listRecords({ pages: Infinity });
        assert.equal(all.data.length, 5);
        assert.deepEqual(all.data.map((r) => r.id).sort(), [...ids].sort());
        assert.equal(new Set(all.data.map((r) => r.id)).size, 5, "no duplicates across pages");
        const lms = all.data.map((r) => r.last_modified);
        assert.deepEqual(lms, [...lms].sort((a, b) => b - a), "default order is -last_modified");
        assert.equal(all.hasNextPage, false);
        assert.equal(Number(all.last_modified), Math.max(...lms), "list ETag = newest last_modified");
        assert.equal(recorded().length - before, Math.ceil(5 / PAGINATE_BY));

        // client-side _limit smaller than paginate_by
        before = recorded().length;
        const byOne = await coll.listRecords({ limit: 1, pages: Infinity });
        assert.equal(byOne.data.length, 5);
        assert.deepEqual(byOne.data.map((r) => r.id), all.data.map((r) => r.id));
        const pageExchanges = recorded().slice(before);
        assert.equal(pageExchanges.length, 5, "5 pages of 1, no trailing empty page");
        for (const ex of pageExchanges.slice(0, -1)) assert.match(ex.responseHeaders["next-page"], /[?&]_limit=1(&|$)/);
        assert.equal(pageExchanges.at(-1).responseHeaders["next-page"], undefined);

        // _limit larger than paginate_by: the server cap wins
        const capped = await coll.listRecords({ limit: 4 });
        assert.equal(capped.data.length, Math.min(4, PAGINATE_BY));

        // when the remaining count equals the page size exactly there is no extra page
        await coll.deleteRecord(ids[0]);
        const size = Math.min(2, PAGINATE_BY);
        before = recorded().length;
        const four = await coll.listRecords({ limit: 2, pages: Infinity });
        assert.equal(four.data.length, 4);
        assert.ok(!four.data.some((r) => r.id === ids[0]), "deleted record is not listed");
        assert.equal(recorded().length - before, 4 / size, `4 records by pages of ${size} → exactly ${4 / size} requests`);
      })
    );

    it(
      "pagination is keyset-based: writes between pages neither duplicate nor skip",
      traced(async () => {
        const { coll } = await freshCollection();
        const old = [];
        for (let i = 0; i < 5; i++) old.push((await coll.createRecord({ i })).data);
        // pages of one, newest first: old[4] | old[3] | old[2] | old[1] | old[0]
        const page1 = await coll.listRecords({ limit: 1 });
        assert.deepEqual(page1.data.map((r) => r.id), [old[4].id]);
        // meanwhile: the last record of page 1 is deleted, a later one too,
        // and new records are created
        await coll.deleteRecord(old[4].id);
        await coll.deleteRecord(old[2].id);
        await coll.createRecord({ i: "new-1" });
        await coll.createRecord({ i: "new-2" });
        const page2 = await page1.next();
        assert.deepEqual(page2.data.map((r) => r.id), [old[3].id], "page 2 continues after old[4]");
        const page3 = await page2.next();
        assert.deepEqual(page3.data.map((r) => r.id), [old[1].id], "page 3 skips the deleted old[2]");
        const page4 = await page3.next();
        assert.deepEqual(page4.data.map((r) => r.id), [old[0].id]);
        assert.equal(page4.hasNextPage, false);
      })
    );

    it(
      "getTotalRecords (HEAD Total-Records) and getRecordsTimestamp",
      traced(async () => {
        const { coll } = await freshCollection();
        assert.equal(await coll.getTotalRecords(), 0);
        const recs = [];
        for (let i = 0; i < 3; i++) recs.push((await coll.createRecord({ i })).data);
        assert.equal(await coll.getTotalRecords(), 3);
        const head = recorded().at(-1);
        assert.equal(head.method, "HEAD");
        assert.equal(head.status, 200);
        assert.equal(head.responseHeaders["total-records"], "3");
        assert.equal(head.responseHeaders["total-objects"], "3");
        assert.equal(head.responseHeaders.etag, `"${recs[2].last_modified}"`);
        assert.equal(head.responseBody, "");

        await coll.deleteRecord(recs[0].id);
        assert.equal(await coll.getTotalRecords(), 2, "tombstones are not counted");

        const ts = unquote(await coll.getRecordsTimestamp());
        const list = await coll.listRecords();
        assert.equal(ts, list.last_modified);
        assert.ok(Number(ts) > recs[2].last_modified, "deletion bumped the list timestamp");
      })
    );

    it(
      "client.batch(): nested creations, aggregate results, chunking",
      traced(async () => {
        const client = alice();
        const bid = uniq("batch");
        const responses = await client.batch((b) => {
          b.createBucket(bid);
          b.bucket(bid).createCollection("c1");
          b.bucket(bid).collection("c1").createRecord({ id: "r1", title: "one" });
          b.bucket(bid).collection("c1").createRecord({ id: "r2", title: "two" });
        });
        assert.equal(responses.length, 4);
        assert.deepEqual(responses.map((r) => r.status), [201, 201, 201, 201]);
        assert.equal(responses[0].path, `/v1/buckets/${bid}`);
        assert.equal(responses[2].path, `/v1/buckets/${bid}/collections/c1/records/r1`);
        assert.equal(responses[2].body.data.title, "one");
        const batchEx = recorded().filter((e) => e.url === SERVER + "/batch");
        assert.equal(batchEx.length, 1);
        const sent = JSON.parse(batchEx[0].requestBody);
        assert.ok(sent.requests.every((r) => !r.path.startsWith("/v1")), "sub-request paths have no /v1 prefix");

        const coll = client.bucket(bid).collection("c1");
        const r1 = await coll.getRecord("r1");

        // aggregate: published / conflicts / skipped / errors
        const agg = await coll.batch(
          (b) => {
            b.createRecord({ id: "r3", title: "three" }); // published (201)
            b.updateRecord({ ...r1.data, title: "one*" }); // published (200, If-Match current)
            b.updateRecord({ id: "r2", title: "stale", last_modified: 1 }); // conflict (412)
            b.deleteRecord({ id: "never-existed", last_modified: 1 }); // skipped (404)
          },
          { safe: true, aggregate: true }
        );
        assert.equal(agg.published.length, 2, `published: ${JSON.stringify(agg)}`);
        assert.equal(agg.conflicts.length, 1, `conflicts: ${JSON.stringify(agg.conflicts)}`);
        assert.equal(agg.conflicts[0].type, "outgoing");
        assert.equal(agg.conflicts[0].remote.id, "r2");
        assert.equal(agg.conflicts[0].remote.title, "two");
        assert.equal(agg.skipped.length, 1, `skipped: ${JSON.stringify(agg.skipped)}`);
        assert.equal(agg.skipped[0].id, "never-existed");
        assert.equal(agg.errors.length, 0, `errors: ${JSON.stringify(agg.errors)}`);
        assert.equal((await coll.getRecord("r1")).data.title, "one*");

        // an invalid sub-request is reported as an error, the others still apply
        const agg2 = await coll.batch(
          (b) => {
            b.createRecord({ id: "bad!id", title: "x" });
            b.createRecord({ id: "r4", title: "four" });
          },
          { aggregate: true }
        );
        assert.equal(agg2.errors.length, 1);
        assert.equal(agg2.errors[0].error.errno, 107);
        assert.equal(agg2.published.length, 1);

        // more sub-requests than batch_max_requests → the client splits the batch
        const max = (await client.fetchServerSettings()).batch_max_requests;
        const n = max + 5;
        const before = recorded().length;
        const many = await coll.batch((b) => {
          for (let i = 0; i < n; i++) b.createRecord({ id: `bulk-${i}`, i });
        });
        assert.equal(many.length, n);
        assert.ok(many.every((r) => r.status === 201), `statuses: ${many.map((r) => r.status)}`);
        const posts = recorded().slice(before).filter((e) => e.url === SERVER + "/batch");
        assert.equal(posts.length, 2, "two POST /batch chunks");
        assert.equal(await coll.getTotalRecords(), 4 + n);
      })
    );

    it(
      "setPermissions / getPermissions / addPermissions / removePermissions",
      traced(async () => {
        const { bid, bucket, coll } = await freshCollection();
        const asBob = bob().bucket(bid);

        const forbidden = await rejectsWithStatus(asBob.getData(), 403, "bob reads alice's bucket");
        assert.equal(forbidden.data.errno, 121);
        const unauth = await rejectsWithStatus(anon().bucket(bid).getData(), 401, "anonymous reads alice's bucket");
        assert.equal(unauth.data.errno, 104);

        const perms = await bucket.getPermissions();
        assert.deepEqual(perms.write, [aliceId]);

        // setPermissions replaces the ACL (the editor stays in write)
        const bdata = await bucket.getData();
        const set = await bucket.setPermissions({ read: [bobId] }, { safe: true, last_modified: bdata.last_modified });
        const ex = recorded().at(-1);
        assert.equal(ex.method, "PUT");
        assert.equal(header(ex, "If-Match"), `"${bdata.last_modified}"`);
        assert.deepEqual(set.permissions.read, [bobId]);
        assert.ok(set.permissions.write.includes(aliceId));
        const got = await bucket.getPermissions();
        assert.deepEqual(got.read, [bobId]);
        assert.ok(got.write.includes(aliceId));

        // bob can now read the bucket and its collections (inherited), without seeing the ACL
        const asBobData = await asBob.getData();
        assert.equal(asBobData.id, bid);
        assert.deepEqual(await asBob.getPermissions(), {});
        assert.equal((await asBob.collection("articles").listRecords()).data.length, 0);

        // stale safe setPermissions → 412
        await rejectsWithStatus(
          bucket.setPermissions({ read: [] }, { safe: true, last_modified: bdata.last_modified }),
          412,
          "setPermissions with a stale last_modified"
        );

        // collection-level: grant record:create to every authenticated user
        await coll.setPermissions({ "record:create": ["system.Authenticated"] });
        assert.deepEqual((await coll.getPermissions())["record:create"], ["system.Authenticated"]);
        const bobRec = await bob().bucket(bid).collection("articles").createRecord({ by: "bob" });
        assert.deepEqual(bobRec.permissions.write, [bobId]);

        // JSON-Patch variants
        const added = await bucket.addPermissions({ write: [bobId] });
        assert.equal(header(recorded().at(-1), "Content-Type"), "application/json-patch+json");
        assert.ok(added.permissions.write.includes(bobId));
        assert.ok(added.permissions.write.includes(aliceId));
        assert.deepEqual(await bob().bucket(bid).getPermissions().then((p) => p.read), [bobId]);
        const removed = await bucket.removePermissions({ read: [bobId] });
        assert.equal(removed.permissions.read, undefined, "empty permission names are omitted");
        assert.ok(removed.permissions.write.includes(bobId));

        // record-level permissions given at creation
        const pub = await coll.createRecord({ title: "public" }, { permissions: { read: ["system.Everyone"] } });
        assert.deepEqual(pub.permissions.read, ["system.Everyone"]);
        const anonRead = await anon().bucket(bid).collection("articles").getRecord(pub.data.id);
        assert.equal(anonRead.data.title, "public");
        assert.deepEqual(anonRead.permissions, {});
      })
    );

    it(
      "groups as principals, setData, deleteRecords, deleteCollection, deleteBucket",
      traced(async () => {
        const { client, bid, bucket, coll } = await freshCollection();
        const groupUri = `/buckets/${bid}/groups/editors`;

        // groups
        const g = await bucket.createGroup("editors", [bobId], { data: { label: "Editors" }, safe: true });
        assert.equal(g.data.id, "editors");
        assert.deepEqual(g.data.members, [bobId]);
        assert.equal(g.data.label, "Editors");
        assert.equal(recorded().at(-1).status, 201);
        assert.ok((await bob().fetchUser()).principals.includes(groupUri), "bob's principals include the group");
        await rejectsWithStatus(bob().bucket(bid).getData(), 403, "bob before the group is granted read");
        await bucket.setPermissions({ read: [groupUri] });
        assert.equal((await bob().bucket(bid).getData()).id, bid, "a group grant gives bob read");
        assert.deepEqual((await bucket.listGroups()).data.map((x) => x.id), ["editors"]);
        const g2 = await bucket.updateGroup({ ...g.data, members: [] }, { safe: true });
        assert.deepEqual(g2.data.members, []);
        assert.ok(!(await bob().fetchUser()).principals.includes(groupUri), "membership ended");
        await rejectsWithStatus(bob().bucket(bid).getData(), 403, "bob after leaving the group");
        const gd = await bucket.deleteGroup("editors");
        assert.equal(gd.data.deleted, true);
        assert.deepEqual((await bucket.listGroups()).data, []);

        // setData on bucket and collection (PATCH and PUT)
        const b1 = await bucket.setData({ title: "Blog" }, { patch: true });
        assert.equal(recorded().at(-1).method, "PATCH");
        assert.equal(b1.data.title, "Blog");
        assert.equal((await bucket.getData()).title, "Blog");
        const c1 = await coll.setData({ color: "red" });
        assert.equal(recorded().at(-1).method, "PUT");
        assert.equal(c1.data.color, "red");
        assert.equal(c1.data.id, "articles");
        assert.equal((await coll.getData()).color, "red");

        // plural DELETE of records (one page per call)
        for (let i = 0; i < 3; i++) await coll.createRecord({ i });
        const cap = PAGINATE_BY || Infinity;
        const deleted = [];
        for (let call = 1; call <= 3; call++) {
          const page = await coll.deleteRecords();
          assert.equal(recorded().at(-1).method, "DELETE");
          assert.equal(page.data.length, Math.min(3 - deleted.length, cap), `plural DELETE #${call}`);
          assert.ok(page.data.every((t) => t.deleted === true && isInt(t.last_modified)));
          deleted.push(...page.data);
          assert.equal(page.hasNextPage, deleted.length < 3, `Next-Page after plural DELETE #${call}`);
          if (deleted.length === 3) break;
        }
        assert.equal(deleted.length, 3);
        assert.equal(await coll.getTotalRecords(), 0);

        // delete the collection, then the bucket
        const cdel = await bucket.deleteCollection("articles");
        assert.equal(cdel.data.deleted, true);
        assert.deepEqual((await bucket.listCollections()).data, []);
        const gone = await rejectsWithStatus(coll.listRecords(), 404, "records of a deleted collection");
        assert.equal(gone.data.errno, 111);
        const bdel = await client.deleteBucket(bid);
        assert.equal(bdel.data.id, bid);
        assert.equal(bdel.data.deleted, true);
        assert.ok(!(await client.listBuckets({ pages: Infinity })).data.some((x) => x.id === bid));
        // PROTOCOL §16: the owner gets 403 (not 404) once the bucket and its ACL are gone
        await rejectsWithStatus(bucket.getData(), 403, "getData on a deleted bucket");
      })
    );

    it(
      "conflict detection: stale safe update surfaces 412 with details.existing",
      traced(async () => {
        const { coll } = await freshCollection();
        const rec = (await coll.createRecord({ title: "v1" })).data;
        // someone else edits the record
        const other = await alice()
          .bucket(coll.bucket.name)
          .collection("articles")
          .updateRecord({ ...rec, title: "theirs" });
        assert.ok(other.data.last_modified > rec.last_modified);

        const err = await rejectsWithStatus(
          coll.updateRecord({ ...rec, title: "mine" }, { safe: true }),
          412,
          "updateRecord with a stale last_modified"
        );
        const ex = recorded().at(-1);
        assert.equal(header(ex, "If-Match"), `"${rec.last_modified}"`);
        assert.equal(err.data.code, 412);
        assert.equal(err.data.errno, 114);
        assert.equal(err.data.error, "Precondition Failed");
        assert.deepEqual(err.data.details.existing, other.data);
        assert.equal(err.data.details.existing.permissions, undefined);
        assert.equal(ex.responseHeaders.etag, `"${other.data.last_modified}"`, "412 carries the current ETag");
        assert.match(err.message, /412/);

        // PATCH with a stale timestamp too
        await rejectsWithStatus(
          coll.updateRecord({ id: rec.id, x: 1 }, { patch: true, safe: true, last_modified: rec.last_modified }),
          412,
          "patch with a stale last_modified"
        );
        // the record is untouched
        assert.deepEqual((await coll.getRecord(rec.id)).data, other.data);

        // a safe update of a record that does not exist → 412 (PUT + If-Match on a missing object)
        await rejectsWithStatus(
          coll.updateRecord({ id: "ghost", title: "x", last_modified: 123 }, { safe: true }),
          412,
          "updateRecord(missing, safe)"
        );
      })
    );

    it(
      "record bodies round-trip arbitrary JSON exactly",
      traced(async () => {
        const { coll } = await freshCollection();
        const payload = {
          text: 'ünïcødé "quoted" \\ back/slash \n\t tab',
          emoji: "💩 𝄞 — \u2028\u2029",
          control: "\u0001\u001f\u007f",
          nul: "a\u0000b",
          zero: 0,
          negative: -17,
          float: 0.1,
          tiny: -1e-7,
          big: 1.7976931348623157e308,
          maxSafe: 9007199254740991,
          yes: true,
          no: false,
          nothing: null,
          empty: {},
          list: [],
          nested: { "dotted.key": [1, { deep: [null, "x", 2.5] }], "ключ": "значение" },
        };
        const created = await coll.createRecord(payload);
        const { id, last_modified, ...echo } = created.data;
        assert.deepEqual(echo, payload, "creation response echoes the data");
        const got = await coll.getRecord(id);
        const { id: _i, last_modified: _l, ...stored } = got.data;
        assert.deepEqual(stored, payload, "GET returns exactly what was stored");
        const listed = (await coll.listRecords()).data.find((r) => r.id === id);
        assert.deepEqual(listed, got.data);
        assert.equal(last_modified, got.data.last_modified);
      })
    );

    it(
      "concurrent writes get distinct, increasing timestamps; list ETag is the newest",
      traced(async () => {
        const { coll } = await freshCollection();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => coll.createRecord({ i }))
        );
        const lms = results.map((r) => r.data.last_modified);
        assert.equal(new Set(lms).size, 20, `distinct last_modified: ${lms}`);
        const all = await coll.listRecords({ pages: Infinity });
        assert.equal(all.data.length, 20);
        assert.equal(Number(all.last_modified), Math.max(...lms));
        // parallel updates of the same record with If-Match: exactly one wins
        const target = results[0].data;
        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, (_, k) => coll.updateRecord({ ...target, k }, { safe: true }))
        );
        const won = outcomes.filter((o) => o.status === "fulfilled");
        const lost = outcomes.filter((o) => o.status === "rejected");
        assert.equal(won.length, 1, `exactly one safe update wins: ${outcomes.map((o) => o.status)}`);
        for (const l of lost) assert.equal(l.reason.response && l.reason.response.status, 412);
      })
    );

    it(
      "an empty collection keeps a stable list ETag (PROTOCOL §2.4 invariant 3)",
      traced(async () => {
        const { coll } = await freshCollection();
        const t1 = unquote(await coll.getRecordsTimestamp());
        await new Promise((r) => setTimeout(r, 15));
        const t2 = unquote(await coll.getRecordsTimestamp());
        const l = await coll.listRecords();
        assert.ok(t1 && /^\d+$/.test(t1), `numeric ETag: ${t1}`);
        assert.equal(t2, t1);
        assert.equal(l.last_modified, t1);
        // and the raw protocol agrees
        const r = await raw("GET", `/buckets/${coll.bucket.name}/collections/articles/records`);
        assert.equal(r.headers.get("etag"), `"${t1}"`);
      })
    );
  });
}

// In a browser, kinto-http can only read the response headers that CORS
// exposes; without ETag, kinto.js cannot record lastModified, without
// Next-Page it stops after the first page. Node's fetch ignores CORS, so
// check the headers directly on the requests kinto.js makes.
describe("CORS headers needed by browser clients", () => {
  it(
    "list GET, HEAD, object GET and POST /batch expose the headers kinto-http reads",
    traced(async () => {
      const origin = { Origin: "https://app.example" };
      const client = new KintoBundledClient(SERVER, { headers: { Authorization: basic("alice"), ...origin } });
      const bid = uniq("cors");
      await client.createBucket(bid);
      await client.bucket(bid).createCollection("c");
      const coll = client.bucket(bid).collection("c");
      for (let i = 0; i < 3; i++) await coll.createRecord({ i });
      const r0 = (await coll.listRecords()).data[0];
      await coll.getTotalRecords();
      await coll.getRecord(r0.id);
      await client.batch((b) => b.bucket(bid).collection("c").createRecord({ x: 1 }));

      // What each kind of answer exposes, as Kinto (PROTOCOL.md §10.4): what
      // kinto-http reads from it.
      const neededBy = (ex) => {
        const path = new URL(ex.url).pathname;
        const plural = /\/(buckets|collections|groups|records)$/.test(path);
        const needed = ["backoff", "retry-after", "alert"];
        const read = ex.method === "GET" || ex.method === "HEAD";
        if (read && path.startsWith(new URL(SERVER).pathname + "/buckets")) needed.push("etag");
        if (plural && ex.method === "GET") needed.push("next-page");
        if (plural && ex.method === "HEAD") needed.push("total-records");
        return needed;
      };
      const exchanges = recorded().filter((e) => e.url.startsWith(SERVER));
      assert.ok(exchanges.length >= 7);
      for (const ex of exchanges) {
        assert.ok(
          ex.responseHeaders["access-control-allow-origin"] === "*" ||
            ex.responseHeaders["access-control-allow-origin"] === origin.Origin,
          `${ex.method} ${ex.url}: Access-Control-Allow-Origin`
        );
        const exposed = (ex.responseHeaders["access-control-expose-headers"] || "")
          .split(",")
          .map((h) => h.trim().toLowerCase());
        for (const h of neededBy(ex)) assert.ok(exposed.includes(h), `${ex.method} ${ex.url}: ${h} is exposed (${exposed})`);
      }

      // preflight for the write requests kinto.js makes
      for (const [method, path, reqHeaders] of [
        ["PUT", `/buckets/${bid}/collections/c/records/abc`, "authorization,content-type,if-match,if-none-match"],
        ["POST", "/batch", "authorization,content-type"],
        ["DELETE", `/buckets/${bid}/collections/c/records/abc`, "authorization,content-type,if-match"],
      ]) {
        const pre = await raw("OPTIONS", path, {
          auth: null,
          headers: { ...origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": reqHeaders },
        });
        assert.equal(pre.status, 200, `preflight ${method} ${path}`);
        assert.ok(pre.headers.get("access-control-allow-origin"), `preflight ${method} ${path}: allow-origin`);
        assert.ok(
          (pre.headers.get("access-control-allow-methods") || "").split(",").map((m) => m.trim()).includes(method),
          `preflight ${method} ${path}: allow-methods ${pre.headers.get("access-control-allow-methods")}`
        );
        const allowed = (pre.headers.get("access-control-allow-headers") || "").toLowerCase();
        for (const h of reqHeaders.split(",")) assert.ok(allowed.includes(h), `preflight allows ${h}: ${allowed}`);
      }
    })
  );
});
