// Drives Kinto Admin, as the server serves it at /v1/admin/, in headless
// Chromium (Debian's, through playwright-core) and checks each step against
// the server's REST API.
//
// Environment (tests/admin/run.sh sets them):
//   KINTO_SERVER_URL  the server's root URL, e.g. http://127.0.0.1:8888/v1 (required)
//   KINTO_ADMIN_URL   the admin page (default: KINTO_SERVER_URL + "/admin/")
//   ADMIN_ASSETS_DIR  the admin build the server serves: its VERSION must be
//                     the version of the hello `admin` capability (optional)
//   ADMIN_USER, ADMIN_PASSWORD  Basic auth credentials (alice / s3cret)
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   ADMIN_TRACE=1     print every request the page made, at the end
//   ADMIN_HEADED=1    show the browser (needs a display)
// On a failure the page's screenshot is saved in $TMPDIR (or /tmp) and its
// path printed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import os from "node:os";
import { chromium } from "playwright-core";

const SERVER = (process.env.KINTO_SERVER_URL || "").replace(/\/+$/, "");
if (!SERVER) {
  throw new Error("KINTO_SERVER_URL is not set (run tests/admin/run.sh)");
}
const ADMIN_URL = process.env.KINTO_ADMIN_URL || `${SERVER}/admin/`;
const USER = process.env.ADMIN_USER || "alice";
const PASSWORD = process.env.ADMIN_PASSWORD || "s3cret";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = process.env.TMPDIR || os.tmpdir();

const AUTH = "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
// Fresh ids on each run, so that the test can run again on the same server.
const RUN = Date.now().toString(36);
const BID = `b1-${RUN}`;
const CID = "c1";
const STEP_TIMEOUT = 120_000; // one step of the scenario, in ms
const UI_TIMEOUT = 30_000; // one wait in the page, in ms

// The server's answer to a request of the test (not the page's).
async function api(method, pathname, { auth = true, body } = {}) {
  const headers = { Accept: "application/json" };
  if (auth) headers.Authorization = AUTH;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(SERVER + pathname, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: left null
  }
  return { status: res.status, headers: res.headers, json, text };
}

let browser;
let page;
let broken = null; // the step that failed: the later ones are skipped
const pageErrors = []; // uncaught exceptions and CSP refusals in the page
const badAssets = []; // admin files that did not load, requests elsewhere
const requests = []; // "METHOD path" of every request the page made

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.ADMIN_HEADED !== "1",
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  page.setDefaultNavigationTimeout(60_000);
  page.on("pageerror", err => pageErrors.push(`uncaught: ${err.message}`));
  page.on("console", msg => {
    // Chromium reports Content-Security-Policy refusals on the console.
    if (msg.type() === "error" && /Content Security Policy|Refused to/i.test(msg.text())) {
      pageErrors.push(`csp: ${msg.text()}`);
    }
  });
  page.on("request", req => {
    const u = new URL(req.url());
    requests.push(`${req.method()} ${u.pathname}${u.search}`);
    if (u.protocol !== "data:" && u.origin !== new URL(ADMIN_URL).origin) {
      badAssets.push(`request to another origin: ${u.href}`);
    }
  });
  page.on("response", res => {
    const u = new URL(res.url());
    if (u.pathname.includes("/admin/") && res.status() >= 400) {
      badAssets.push(`${res.status()} ${u.pathname}`);
    }
  });
  page.on("requestfailed", req => {
    const u = new URL(req.url());
    if (u.pathname.includes("/admin/")) {
      badAssets.push(`failed (${req.failure()?.errorText}) ${u.pathname}`);
    }
  });
});

after(async () => {
  if (process.env.ADMIN_TRACE === "1") {
    console.log("requests made by the page:\n  " + requests.join("\n  "));
  }
  await browser?.close();
});

// One step of the scenario: skipped once an earlier one failed; on failure,
// a screenshot and the page's URL are reported.
function step(name, fn) {
  test(name, { timeout: STEP_TIMEOUT }, async t => {
    if (broken) {
      t.skip(`an earlier step failed: ${broken}`);
      return;
    }
    try {
      await fn(t);
      assert.deepEqual(pageErrors, [], "errors in the page");
      assert.deepEqual(badAssets, [], "admin files that did not load, requests to elsewhere");
      const errors = await page.locator(".notifications .alert-danger").allInnerTexts();
      assert.deepEqual(errors, [], "error notifications shown by the admin");
    } catch (err) {
      broken = name;
      const file = path.join(
        SHOTS,
        `ratchet-admin-${name.replace(/[^a-z0-9]+/gi, "-")}-${Date.now()}.png`
      );
      try {
        await page.screenshot({ path: file, fullPage: true });
        console.error(`screenshot of the failed step "${name}": ${file} (page ${page.url()})`);
      } catch (shotErr) {
        console.error(`no screenshot of the failed step "${name}": ${shotErr.message}`);
      }
      console.error("last requests of the page:\n  " + requests.slice(-20).join("\n  "));
      throw err;
    }
  });
}

// Waits for a success notification, then closes every notification (they
// cover the header's buttons and would be taken for the next step's). An
// error notification fails at once, with its text.
async function notified(text) {
  const success = page.locator(".notifications .alert-success", { hasText: text }).first();
  const error = page.locator(".notifications .alert-danger").first();
  await success.or(error).waitFor();
  if (await error.isVisible()) {
    throw new Error(`waiting for "${text}", the admin shows an error: ${await error.innerText()}`);
  }
  await dismissNotifications();
}

async function dismissNotifications() {
  // A notification also goes away by itself after 4 s: one may vanish
  // between the look-up and the click, which is then no error.
  const close = page.locator(".notifications .alert-success button.close");
  for (let tries = 0; tries < 20 && (await close.count()) > 0; tries++) {
    const button = await close.first().elementHandle({ timeout: 1000 }).catch(() => null);
    if (!button) continue;
    await button.click({ timeout: 2000 }).catch(() => {});
    await button.waitForElementState("hidden", { timeout: 5000 }).catch(() => {});
    await button.dispose();
  }
  assert.equal(await close.count(), 0, "notifications left open");
}

// Waits until the admin shows a route (the part of the URL after "#"), or
// one that starts with `prefix`. (Not page.waitForURL, which may wait for a
// "load" event that a same-document navigation never fires.)
async function atRoute(route, { prefix = false } = {}) {
  await page.waitForFunction(
    ([want, isPrefix]) => {
      const got = window.location.hash.replace(/^#/, "");
      return isPrefix ? got.startsWith(want) : got === want;
    },
    [route, prefix]
  );
}

// Goes to a route of the admin, as following a link of the page would.
async function go(route) {
  await page.evaluate(r => { window.location.hash = r; }, route);
  await atRoute(route);
}

let userId;
let recordId;

step("the server serves the admin page", async () => {
  const noSlash = ADMIN_URL.replace(/\/+$/, "");
  const redirect = await fetch(noSlash, { redirect: "manual" });
  assert.ok([301, 302, 307, 308].includes(redirect.status), `GET ${noSlash}: ${redirect.status}`);
  assert.equal(
    new URL(redirect.headers.get("location"), noSlash).href,
    new URL(ADMIN_URL).href,
    "redirect target"
  );

  const res = await fetch(ADMIN_URL);
  assert.equal(res.status, 200, `GET ${ADMIN_URL}`);
  assert.match(res.headers.get("content-type") || "", /^text\/html/);
  const csp = res.headers.get("content-security-policy") || "";
  assert.match(csp, /default-src 'self'/, "Content-Security-Policy of the page");
  const html = await res.text();
  assert.match(html, /<div id="app">/);

  // The files of the page, with the types a browser needs (the page's
  // URLs are relative to it; the stylesheet's to the stylesheet).
  const expectType = async (url, type) => {
    const r = await fetch(url);
    assert.equal(r.status, 200, `GET ${url}`);
    assert.match(r.headers.get("content-type") || "", type, `Content-Type of ${url}`);
    return r.text();
  };
  const scripts = [...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map(m => m[1]);
  const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(m => m[1]);
  assert.ok(scripts.length > 0 && styles.length > 0, "the page has a script and a stylesheet");
  for (const src of scripts) {
    assert.doesNotMatch(src, /^(\/|[a-z]+:)/i, "script URLs are relative");
    await expectType(new URL(src, ADMIN_URL), /^(text|application)\/javascript/);
  }
  for (const href of styles) {
    assert.doesNotMatch(href, /^(\/|[a-z]+:)/i, "stylesheet URLs are relative");
    const cssUrl = new URL(href, ADMIN_URL);
    const css = await expectType(cssUrl, /^text\/css/);
    const images = [...css.matchAll(/url\("?(\.\/[^")]+)"?\)/g)].map(m => m[1]);
    assert.ok(images.length > 0, "the stylesheet refers to images");
    for (const img of new Set(images)) {
      const type = img.endsWith(".svg") ? /^image\/svg\+xml/ : img.endsWith(".png") ? /^image\/png/ : /./;
      await expectType(new URL(img, cssUrl), type);
    }
  }

  const hello = await api("GET", "/");
  assert.equal(hello.status, 200);
  const admin = hello.json.capabilities?.admin;
  assert.ok(admin, "hello lists the admin capability");
  if (process.env.ADMIN_ASSETS_DIR) {
    const version = (await readFile(path.join(process.env.ADMIN_ASSETS_DIR, "VERSION"), "utf8")).trim();
    assert.equal(admin.version, version, "admin capability version = VERSION of the assets");
  }
});

step("the page loads and offers Basic Auth on this server only", async () => {
  await page.goto(ADMIN_URL);
  await page.getByRole("button", { name: "Sign in using Anonymous" }).waitFor();
  // Single-server mode: no server field, the server is the page's /v1.
  const server = await page.locator("#root_server").inputValue();
  assert.equal(server.replace(/\/+$/, ""), new URL(ADMIN_URL).href.replace(/\/admin\/.*$/, ""));
  assert.equal(await page.locator("#root_server").getAttribute("type"), "hidden");
  await page.getByLabel("Basic Auth").check();
  await page.locator("#root_credentials_username").waitFor();
});

step("log in with Basic auth", async () => {
  await page.locator("#root_credentials_username").fill(USER);
  await page.locator("#root_credentials_password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in using Basic Auth" }).click();
  await notified("Authenticated.");
  await page.locator(".btn-logout").waitFor();

  const hello = await api("GET", "/");
  userId = hello.json.user?.id;
  assert.match(userId || "", /^basicauth:/, "the server authenticates the test's credentials");
  await page.getByText(userId).first().waitFor(); // "Connected as basicauth:…"
});

step("create a bucket", async () => {
  await page.getByRole("link", { name: "Create bucket" }).click();
  await page.locator("#root_id").fill(BID);
  await page.getByRole("button", { name: "Create bucket" }).click();
  await notified("Bucket created.");
  await atRoute(`/buckets/${BID}/attributes`);

  const res = await api("GET", `/buckets/${BID}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.id, BID);
  assert.ok(res.json.permissions.write.includes(userId), "the creator may write the bucket");
});

step("create a collection with the default schema", async () => {
  await go(`/buckets/${BID}/collections`);
  // A "Create collection" of this bucket (the sidebar has one for each bucket).
  await page
    .getByRole("link", { name: "Create collection" })
    .and(page.locator(`[href="#/buckets/${BID}/collections/create"]`))
    .first()
    .click();
  await atRoute(`/buckets/${BID}/collections/create`);
  await page.locator("#root_id").fill(CID);
  await page.getByRole("button", { name: "Create collection" }).click();
  await notified("Collection created.");

  const res = await api("GET", `/buckets/${BID}/collections/${CID}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.id, CID);
  assert.equal(res.json.data.schema?.properties?.title?.type, "string", "the schema is stored");
  assert.deepEqual(res.json.data.displayFields, ["title"]);
});

step("create a record", async () => {
  await go(`/buckets/${BID}/collections/${CID}/records`);
  await page.getByRole("link", { name: "Create record" }).first().click();
  await page.locator("#root_title").fill("first title");
  await page.locator("#root_content").fill("first content");
  await page.getByRole("button", { name: "Create record" }).click();
  await notified("Record created.");

  const res = await api("GET", `/buckets/${BID}/collections/${CID}/records`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.length, 1, res.text);
  const [record] = res.json.data;
  assert.equal(record.title, "first title");
  assert.equal(record.content, "first content");
  recordId = record.id;

  // The records list shows it.
  await go(`/buckets/${BID}/collections/${CID}/records`);
  await page.locator("table tbody tr", { hasText: "first title" }).waitFor();
});

step("edit the record", async () => {
  const row = page.locator("table tbody tr", { hasText: "first title" });
  await row.getByTitle("Edit record").click();
  await atRoute(`/buckets/${BID}/collections/${CID}/records/${recordId}`, { prefix: true });
  const title = page.locator("#root_title");
  await title.waitFor();
  assert.equal(await title.inputValue(), "first title");
  await title.fill("edited title");
  await page.getByRole("button", { name: "Update record" }).click();
  await notified("Record attributes updated.");

  const res = await api("GET", `/buckets/${BID}/collections/${CID}/records/${recordId}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.title, "edited title");
  assert.equal(res.json.data.content, "first content");
});

step("delete the record", async () => {
  await go(`/buckets/${BID}/collections/${CID}/records`);
  const row = page.locator("table tbody tr", { hasText: "edited title" });
  await row.waitFor();
  page.once("dialog", dialog => dialog.accept()); // "Are you sure?"
  await row.getByTitle("Delete record").click();
  await notified("Record deleted.");
  await row.waitFor({ state: "detached" });

  const res = await api("GET", `/buckets/${BID}/collections/${CID}/records/${recordId}`);
  assert.equal(res.status, 404, res.text);
  const list = await api("GET", `/buckets/${BID}/collections/${CID}/records`);
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.data, []);
});

step("open the bucket's permissions and grant read to authenticated users", async () => {
  await go(`/buckets/${BID}/attributes`);
  await page.getByRole("link", { name: "Permissions" }).click();
  await atRoute(`/buckets/${BID}/permissions`);
  const form = page.locator("form.permissions-form");
  await form.waitFor();
  // The creator is listed with write.
  const principal = form.locator('input[id^="root_principals_"][id$="_principal"]');
  await principal.first().waitFor();
  assert.ok((await principal.evaluateAll(els => els.map(e => e.value))).includes(userId));

  const authenticatedRead = form.locator("#root_authenticated").getByLabel("read", { exact: true });
  await authenticatedRead.check();
  await form.getByRole("button", { name: "Submit" }).click();
  await notified("Bucket permissions updated.");

  const res = await api("GET", `/buckets/${BID}`);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.permissions.read?.includes("system.Authenticated"), JSON.stringify(res.json.permissions));
  assert.ok(res.json.permissions.write.includes(userId), JSON.stringify(res.json.permissions));
});

step("log out", async () => {
  await dismissNotifications();
  await page.locator(".btn-logout").click();
  await notified("Logged out.");
  await page.getByRole("button", { name: /^Sign in using/ }).waitFor();
  assert.equal(await page.locator(".btn-logout").count(), 0);
  const session = await page.evaluate(() => sessionStorage.getItem("kinto-admin-session"));
  assert.equal(session, null, "the session is forgotten");

  // Logging out is the page's business: the data stays, and still needs
  // credentials.
  const anonymous = await api("GET", `/buckets/${BID}`, { auth: false });
  assert.ok([401, 403].includes(anonymous.status), `anonymous GET: ${anonymous.status}`);
  const res = await api("GET", `/buckets/${BID}/collections/${CID}`);
  assert.equal(res.status, 200, res.text);
});
