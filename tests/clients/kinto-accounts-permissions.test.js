// The accounts plugin and the /permissions endpoint through the stock HTTP
// clients (kinto-http 5.3.0 and the client bundled in kinto.js 17.1.1).
//
// run.sh starts the server with `multiauth.policies = account basicauth`:
// Basic credentials that match an account authenticate as `account:<name>`;
// any other pair (a wrong or old password included) falls through to
// basicauth and authenticates as some `basicauth:<hmac>` user (PROTOCOL.md §16).
//
// kinto-http has createAccount() (anonymous `PUT /accounts/<name>`), and
// nothing to read, update or delete an account: those go through
// client.execute(), which does not add the client's default headers, so the
// Authorization header is passed explicitly.

import { describe, it, before } from "node:test";
import assert from "node:assert/strict";


import {
  SERVER,
  PAGINATE_BY,
  DEFAULT_BUCKET_HMAC_SECRET,
  personalBucketId,
  basic,
  uniq,
  traced,
  recorded,
  mark,
  rejectsWithStatus,
  raw,
} from "./lib/harness.js";
import { IMPLEMENTATIONS } from "./lib/clients.js";


const header = (ex, name) => (ex.requestHeaders || {})[name.toLowerCase()];
const BCRYPT_RE = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

for (const [label, Client] of IMPLEMENTATIONS) {
  const as = (auth) => new Client(SERVER, auth ? { headers: { Authorization: auth } } : {});

  /** client.execute() of a request on /accounts/<name> with explicit credentials. */
  const accountRequest = (client, auth, name, method = "GET", body) =>
    client.execute({
      method,
      path: `/accounts/${name}`,
      headers: auth ? { Authorization: auth } : {},
      body,
    });

  describe(`${label}: accounts`, () => {
    it(
      "createAccount anonymously, authenticate as account:<name>, change the password, delete the account",
      traced(async () => {
        const name = uniq("acct");
        const pw1 = "first-password";
        const pw2 = "second-password";
        const anon = as(null);

        const caps = await anon.fetchServerCapabilities();
        assert.ok(caps.accounts, "capability accounts");

        // creation: anonymous PUT /accounts/<name> {"data": {"password": …}}
        const created = await anon.createAccount(name, pw1);
        const put = recorded().at(-1);
        assert.equal(put.method, "PUT");
        assert.equal(put.url, `${SERVER}/accounts/${name}`);
        assert.equal(header(put, "Authorization"), undefined, "createAccount sends no credentials");
        assert.deepEqual(JSON.parse(put.requestBody), { data: { password: pw1 } });
        assert.equal(put.status, 201);
        assert.equal(created.data.id, name);
        assert.match(created.data.password, BCRYPT_RE, "the stored bcrypt hash is returned, not the password");
        assert.deepEqual(created.permissions, { write: [`account:${name}`] });

        // authenticate as the account
        const auth1 = basic(name, pw1);
        const user = await as(auth1).fetchUser();
        assert.equal(user.id, `account:${name}`);
        for (const p of [`account:${name}`, "system.Authenticated", "system.Everyone"]) {
          assert.ok(user.principals.includes(p), `principals include ${p}: ${user.principals}`);
        }
        if (DEFAULT_BUCKET_HMAC_SECRET) {
          assert.equal(user.bucket, personalBucketId(`account:${name}`), "personal bucket of account:<name>");
        }
        const own = await accountRequest(anon, auth1, name);
        assert.equal(own.data.id, name);
        assert.equal(own.data.password, created.data.password);

        // objects created by the account are owned by account:<name>
        const bid = uniq("acct-bucket");
        const bucket = await as(auth1).createBucket(bid);
        assert.deepEqual(bucket.permissions.write, [`account:${name}`]);

        // nobody else may take the account over or read it
        await rejectsWithStatus(anon.createAccount(name, "hijack"), 401, "anonymous PUT on an existing account");
        const stranger = basic(uniq("stranger"));
        await rejectsWithStatus(accountRequest(anon, stranger, name), 403, "another user reads the account");
        assert.equal((await as(auth1).fetchUser()).id, `account:${name}`, "the account still authenticates");

        // change the password (PATCH, authenticated as the account)
        const changed = await accountRequest(anon, auth1, name, "PATCH", { data: { password: pw2 } });
        assert.equal(recorded().at(-1).status, 200);
        assert.equal(changed.data.id, name);
        assert.match(changed.data.password, BCRYPT_RE);
        assert.notEqual(changed.data.password, created.data.password);
        const auth2 = basic(name, pw2);
        assert.equal((await as(auth2).fetchUser()).id, `account:${name}`, "the new password authenticates");

        // the old password no longer yields account:<name>; the pair falls
        // through to basicauth (PROTOCOL §16), whose user cannot see the account
        const old = await as(auth1).fetchUser();
        assert.notEqual(old.id, `account:${name}`);
        assert.match(old.id, /^basicauth:/);
        await rejectsWithStatus(accountRequest(anon, auth1, name), 403, "old password reads the account");
        await rejectsWithStatus(as(auth1).bucket(bid).getData(), 403, "old password reads the account's bucket");
        assert.equal((await as(auth2).bucket(bid).getData()).id, bid);

        // delete the account
        const deleted = await accountRequest(anon, auth2, name, "DELETE");
        assert.equal(recorded().at(-1).status, 200);
        assert.equal(deleted.data.id, name);
        assert.equal(deleted.data.deleted, true);
        const after = await as(auth2).fetchUser();
        assert.notEqual(after.id, `account:${name}`, "a deleted account no longer authenticates");
        await rejectsWithStatus(accountRequest(anon, auth2, name), 403, "reading the deleted account");
        await rejectsWithStatus(accountRequest(anon, null, name), 401, "anonymous read of an account");

        // the name is free again
        const again = await anon.createAccount(name, "third-password");
        assert.equal(recorded().at(-1).status, 201);
        assert.equal(again.data.id, name);
        assert.equal((await as(basic(name, "third-password")).fetchUser()).id, `account:${name}`);
        await accountRequest(anon, basic(name, "third-password"), name, "DELETE");
      })
    );

    it(
      "an account user may only create his own account, and lists only his own",
      traced(async () => {
        const name = uniq("acct");
        const anon = as(null);
        await anon.createAccount(name, "pw");
        const auth = basic(name, "pw");
        const err = await rejectsWithStatus(
          accountRequest(anon, auth, uniq("acct"), "PUT", { data: { password: "x" } }),
          400,
          "account user creates someone else's account"
        );
        assert.equal(err.data.errno, 107);
        assert.match(err.data.message, /Username and account ID do not match/);
        const missing = await rejectsWithStatus(
          anon.execute({ method: "PUT", path: `/accounts/${uniq("acct")}`, body: { data: {} } }),
          400,
          "account without a password"
        );
        assert.equal(missing.data.errno, 107);

        const list = await anon.execute({ path: "/accounts", headers: { Authorization: auth } });
        assert.deepEqual(list.data.map((a) => a.id), [name]);
        await accountRequest(anon, auth, name, "DELETE");
      })
    );

    it(
      "another authenticated user replacing an existing account gets 400 'Username and account ID do not match.'",
      // Kinto: a non-admin user's accounts live under his own user id, so
      // /accounts/<name> is not found there, the PUT is a creation (allowed by
      // account_create_principals) and the id check answers 400 (PROTOCOL §12.3).
      traced(async () => {
        const name = uniq("acct");
        const anon = as(null);
        await anon.createAccount(name, "pw");
        const stranger = basic(uniq("stranger"));
        const err = await rejectsWithStatus(
          accountRequest(anon, stranger, name, "PUT", { data: { password: "hijack" } }),
          400,
          "another user replaces the account"
        );
        assert.equal(err.data.errno, 107);
        assert.match(err.data.message, /Username and account ID do not match/);
        assert.equal((await as(basic(name, "pw")).fetchUser()).id, `account:${name}`, "the account is intact");
        await accountRequest(anon, basic(name, "pw"), name, "DELETE");
      })
    );

    it(
      "anonymous GET /accounts → 401 'Cannot read accounts.' (errno 999, no WWW-Authenticate)",
      // PROTOCOL §16; Kinto raises it before any listing, even though
      // account_create_principals = system.Everyone would allow an empty list.
      traced(async () => {
        const err = await rejectsWithStatus(as(null).execute({ path: "/accounts" }), 401, "anonymous GET /accounts");
        assert.equal(err.data.errno, 999);
        assert.equal(err.data.error, "Cannot read accounts.");
        const r = await raw("GET", "/accounts", { auth: null });
        assert.equal(r.status, 401);
        assert.equal(r.headers.get("www-authenticate"), null);
      })
    );
  });

  describe(`${label}: /permissions and create permissions`, () => {
    let owner, other, ownerAuth, ownerId, otherId;
    before(async () => {
      ownerAuth = basic(uniq("perm-owner"));
      owner = as(ownerAuth);
      other = as(basic(uniq("perm-other")));
      ownerId = (await owner.fetchUser()).id;
      otherId = (await other.fetchUser()).id;
    });

    /** Entries of the user's /permissions, keyed by uri. */
    async function permissionsByUri(client) {
      const list = await client.listPermissions({ pages: Infinity });
      const byUri = {};
      for (const e of list.data) {
        assert.equal(byUri[e.uri], undefined, `entry ${e.uri} listed once`);
        byUri[e.uri] = e;
      }
      return byUri;
    }

    it(
      "listPermissions() lists the user's own objects (sorted by id, paginated)",
      traced(async () => {
        assert.ok((await owner.fetchServerCapabilities()).permissions_endpoint, "capability permissions_endpoint");
        const bid = uniq("perms");
        await owner.createBucket(bid);
        await owner.bucket(bid).createCollection("notes");
        const rec = (await owner.bucket(bid).collection("notes").createRecord({ title: "mine" })).data;
        await owner.bucket(bid).createGroup("team", [otherId]);

        const m = mark();
        const byUri = await permissionsByUri(owner);
        const gets = recorded(m).filter((e) => e.method === "GET");
        assert.equal(gets[0].url, `${SERVER}/permissions?_sort=id`, "kinto-http sorts by id");
        for (const g of gets) assert.equal(g.status, 200, `${g.url}: ${g.responseBody}`);

        const bucketUri = `/buckets/${bid}`;
        const collUri = `${bucketUri}/collections/notes`;
        const groupUri = `${bucketUri}/groups/team`;
        const recUri = `${collUri}/records/${rec.id}`;
        const expected = {
          [bucketUri]: { resource_name: "bucket", id: bid, bucket_id: bid },
          [collUri]: { resource_name: "collection", id: "notes", bucket_id: bid, collection_id: "notes" },
          [groupUri]: { resource_name: "group", id: "team", bucket_id: bid, group_id: "team" },
          [recUri]: { resource_name: "record", id: rec.id, bucket_id: bid, collection_id: "notes", record_id: rec.id },
        };
        for (const [uri, fields] of Object.entries(expected)) {
          const e = byUri[uri];
          assert.ok(e, `entry for ${uri} in ${JSON.stringify(Object.keys(byUri))}`);
          for (const [k, v] of Object.entries(fields)) assert.equal(e[k], v, `${uri}: ${k}`);
        }
        const has = (uri, perms) => {
          for (const p of perms) assert.ok(byUri[uri].permissions.includes(p), `${uri} has ${p}: ${byUri[uri].permissions}`);
        };
        has(bucketUri, ["write", "read", "read:attributes", "collection:create", "group:create"]);
        has(collUri, ["write", "read", "read:attributes", "record:create"]);
        has(groupUri, ["write", "read"]);
        has(recUri, ["write", "read"]);
        assert.equal(byUri["/"].resource_name, "root");
        has("/", ["bucket:create", "account:create"]);
        assert.equal(Object.keys(byUri).length, 5, `only the user's objects and the root: ${Object.keys(byUri)}`);

        // sorted by id (the root entry has none and sorts last), one request per page
        const ids = (await owner.listPermissions({ pages: Infinity })).data.map((e) => e.id);
        const withId = ids.filter((x) => x !== undefined);
        assert.deepEqual(withId, [...withId].sort(), `ascending ids: ${ids}`);
        assert.equal(ids.at(-1), undefined, "root (no id) last");
        if (PAGINATE_BY) assert.equal(gets.length, Math.ceil(5 / PAGINATE_BY), "pages of paginate_by entries");

        // filters work on the entries' fields (the entry type is strict)
        const recs = await owner.listPermissions({ filters: { resource_name: "record" }, pages: Infinity });
        assert.deepEqual(recs.data.map((x) => x.uri), [recUri]);
        const inBucket = await owner.listPermissions({ filters: { bucket_id: bid }, pages: Infinity });
        assert.deepEqual(inBucket.data.map((x) => x.uri).sort(), [bucketUri, collUri, groupUri, recUri].sort());
        const bad = await rejectsWithStatus(
          owner.listPermissions({ filters: { no_such_field: 1 } }),
          400,
          "unknown filter field on /permissions"
        );
        assert.equal(bad.data.errno, 107);
        // PROTOCOL §16: the list ETag is a real timestamp
        const head = await raw("GET", "/permissions", { auth: ownerAuth });
        assert.match(head.headers.get("etag") || "", /^"\d+"$/);
        assert.notEqual(head.headers.get("etag"), '"0"');

        // a member of the group holds no ACE of his own in that bucket
        const otherByUri = await permissionsByUri(other);
        assert.equal(otherByUri[bucketUri], undefined, "other has nothing on the bucket yet");
        assert.deepEqual(Object.keys(otherByUri), ["/"]);
      })
    );

    it(
      "bucket.addPermissions / removePermissions with collection:create (value-less JSON-Patch ops)",
      traced(async () => {
        const bid = uniq("percreate");
        await owner.createBucket(bid);
        const bucket = owner.bucket(bid);
        const asOther = other.bucket(bid);
        await rejectsWithStatus(asOther.createCollection("before"), 403, "other creates a collection before the grant");

        // grant collection:create (and group:create) to other
        const added = await bucket.addPermissions({ "collection:create": [otherId], "group:create": [otherId] });
        const patch = recorded().at(-1);
        assert.equal(patch.method, "PATCH");
        assert.equal(patch.url, `${SERVER}/buckets/${bid}`);
        assert.equal(header(patch, "Content-Type"), "application/json-patch+json");
        assert.deepEqual(JSON.parse(patch.requestBody), [
          { op: "add", path: `/permissions/collection:create/${otherId}` },
          { op: "add", path: `/permissions/group:create/${otherId}` },
        ]);
        assert.equal(patch.status, 200, `PATCH answered ${patch.status}: ${patch.responseBody}`);
        assert.deepEqual(added.permissions["collection:create"], [otherId]);
        assert.deepEqual(added.permissions["group:create"], [otherId]);
        assert.deepEqual(added.permissions.write, [ownerId], "the owner keeps write");
        assert.deepEqual((await bucket.getPermissions())["collection:create"], [otherId]);
        const twice = await bucket.addPermissions({ "collection:create": [otherId] });
        assert.deepEqual(twice.permissions["collection:create"], [otherId], "adding again does not duplicate");

        // other may now create collections, read the bucket's attributes, see it listed
        const coll = await asOther.createCollection("others", { safe: true });
        assert.equal(recorded().at(-1).status, 201);
        assert.deepEqual(coll.permissions.write, [otherId]);
        assert.equal((await asOther.getData()).id, bid);
        assert.deepEqual(await asOther.getPermissions(), {}, "no ACL shown without write");
        assert.ok(
          (await other.listBuckets({ pages: Infinity })).data.some((b) => b.id === bid),
          "the bucket is listed for other (PROTOCOL §16)"
        );
        assert.equal((await asOther.createGroup("crew", [])).data.id, "crew");
        await rejectsWithStatus(asOther.setData({ title: "mine now" }, { patch: true }), 403, "other writes the bucket");
        assert.equal((await owner.bucket(bid).collection("others").getData()).id, "others", "the bucket owner reads it");

        const otherPerms = await permissionsByUri(other);
        const e = otherPerms[`/buckets/${bid}`];
        assert.ok(e, `other's /permissions has the bucket: ${JSON.stringify(Object.keys(otherPerms))}`);
        assert.ok(e.permissions.includes("collection:create"), `${e.permissions}`);
        assert.ok(e.permissions.includes("group:create"), `${e.permissions}`);
        assert.ok(!e.permissions.includes("write"), `${e.permissions}`);
        assert.ok(otherPerms[`/buckets/${bid}/collections/others`].permissions.includes("write"));

        // revoke collection:create only
        const removed = await bucket.removePermissions({ "collection:create": [otherId] });
        const rpatch = recorded().at(-1);
        assert.deepEqual(JSON.parse(rpatch.requestBody), [{ op: "remove", path: `/permissions/collection:create/${otherId}` }]);
        assert.equal(rpatch.status, 200, `PATCH answered ${rpatch.status}: ${rpatch.responseBody}`);
        assert.equal(removed.permissions["collection:create"], undefined, "empty permission names are omitted");
        assert.deepEqual(removed.permissions["group:create"], [otherId]);
        await rejectsWithStatus(asOther.createCollection("after"), 403, "other creates a collection after the revocation");
        const e2 = (await permissionsByUri(other))[`/buckets/${bid}`];
        assert.ok(e2 && !e2.permissions.includes("collection:create"), `after revocation: ${JSON.stringify(e2)}`);

        // and group:create, the last grant on the bucket
        await bucket.removePermissions({ "group:create": [otherId] });
        assert.deepEqual(Object.keys(await bucket.getPermissions()), ["write"]);
        const after = await permissionsByUri(other);
        assert.equal(after[`/buckets/${bid}`], undefined, "no entry for the bucket any more");
        assert.ok(after[`/buckets/${bid}/collections/others`], "other keeps write on the collection he created");
        await rejectsWithStatus(asOther.createGroup("late", []), 403, "other creates a group after the revocation");

        // removing a principal that is not there fails like any JSON-Patch remove
        await rejectsWithStatus(
          bucket.removePermissions({ "collection:create": [otherId] }),
          400,
          "remove of an absent principal"
        );
        // a permission name that buckets do not have is refused
        await rejectsWithStatus(bucket.addPermissions({ "record:create": [otherId] }), 400, "record:create on a bucket");
      })
    );

    it(
      "collection.addPermissions / removePermissions with record:create",
      traced(async () => {
        const bid = uniq("reccreate");
        await owner.createBucket(bid);
        await owner.bucket(bid).createCollection("inbox");
        const coll = owner.bucket(bid).collection("inbox");
        const asOther = other.bucket(bid).collection("inbox");
        await rejectsWithStatus(asOther.createRecord({ x: 1 }), 403, "other posts before the grant");

        const added = await coll.addPermissions({ "record:create": [otherId] });
        assert.equal(recorded().at(-1).status, 200);
        assert.deepEqual(added.permissions["record:create"], [otherId]);
        const rec = await asOther.createRecord({ from: "other" });
        assert.deepEqual(rec.permissions.write, [otherId]);
        assert.deepEqual((await asOther.listRecords()).data.map((r) => r.id), [rec.data.id]);

        const removed = await coll.removePermissions({ "record:create": [otherId] });
        assert.equal(removed.permissions["record:create"], undefined);
        await rejectsWithStatus(asOther.createRecord({ x: 2 }), 403, "other posts after the revocation");
        assert.equal((await asOther.getRecord(rec.data.id)).data.from, "other", "his record stays his");
      })
    );
  });
}
