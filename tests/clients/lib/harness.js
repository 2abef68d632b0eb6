// Shared helpers for the client-compatibility tests.
//
// The server is started by run.sh, which exports:
//   KINTO_SERVER_URL   e.g. http://127.0.0.1:41234/v1  (no trailing slash)
//   KINTO_PAGINATE_BY  the paginate_by setting the server was started with
//
// Every fetch() done by the clients goes through globalThis.fetch, which is
// wrapped here so that a failing test prints the HTTP exchanges it made
// (method, URL, request headers and body, status, response headers and body).
// Set CLIENTS_TRACE=1 to print them for passing tests too.

import crypto from "node:crypto";

export const SERVER = process.env.KINTO_SERVER_URL;
if (!SERVER) {
  throw new Error(
    "KINTO_SERVER_URL is not set: run the suite through tests/clients/run.sh /path/to/ratchet"
  );
}
export const PAGINATE_BY = Number(process.env.KINTO_PAGINATE_BY || 0);
// The server's default_bucket_hmac_secret, when run.sh tells us (lets the tests
// check the personal bucket id derivation, PROTOCOL.md §12.1).
export const DEFAULT_BUCKET_HMAC_SECRET = process.env.KINTO_DEFAULT_BUCKET_HMAC_SECRET;

export function basic(user, password = "s3cret") {
  return "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
}

export function uniq(prefix) {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}`;
}

/**
 * Personal bucket id of a (prefixed) user id, as Kinto's default_bucket plugin
 * derives it: the first 32 hex digits of HMAC-SHA256(secret, user id),
 * formatted 8-4-4-4-12.
 */
export function personalBucketId(userId, secret = DEFAULT_BUCKET_HMAC_SECRET) {
  const h = crypto.createHmac("sha256", secret).update(userId).digest("hex").slice(0, 32);
  return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
}

/** Strip the double quotes of an ETag value (getRecordsTimestamp returns it raw). */
export const unquote = (etag) => (etag == null ? etag : String(etag).replace(/"/g, ""));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// HTTP exchange recorder

const exchanges = [];
const realFetch = globalThis.fetch;

function headersToObject(h) {
  const out = {};
  if (!h) return out;
  for (const [k, v] of new Headers(h).entries()) out[k] = v;
  return out;
}

function clip(s, n = 2000) {
  if (s === undefined || s === null) return s;
  s = String(s);
  return s.length > n ? s.slice(0, n) + `… (${s.length} chars)` : s;
}

globalThis.fetch = async function recordingFetch(input, init = {}) {
  const url = typeof input === "string" ? input : input.url;
  const entry = {
    method: (init.method || "GET").toUpperCase(),
    url,
    requestHeaders: headersToObject(init.headers),
    requestBody: typeof init.body === "string" ? init.body : init.body ? "<non-string body>" : undefined,
  };
  exchanges.push(entry);
  try {
    const res = await realFetch(input, init);
    entry.status = res.status;
    entry.responseHeaders = headersToObject(res.headers);
    try {
      entry.responseBody = await res.clone().text();
    } catch (e) {
      entry.responseBody = `<unreadable: ${e.message}>`;
    }
    return res;
  } catch (e) {
    entry.error = String(e);
    throw e;
  }
};

/** Exchanges recorded since the current test started (or since `from`). */
export function recorded(from = 0) {
  return exchanges.slice(from);
}

/** Position in the exchange log, to pass to recorded()/recordedBatchSubrequests(). */
export function mark() {
  return exchanges.length;
}

/** Sub-requests of every POST /v1/batch recorded since the test started (or since `from`). */
export function recordedBatchSubrequests(from = 0) {
  const subs = [];
  for (const ex of exchanges.slice(from)) {
    if (ex.method === "POST" && /\/v1\/batch$/.test(ex.url) && ex.requestBody) {
      const body = JSON.parse(ex.requestBody);
      let responses = [];
      try {
        responses = JSON.parse(ex.responseBody).responses || [];
      } catch {
        /* ignore */
      }
      body.requests.forEach((r, i) => subs.push({ request: r, response: responses[i] }));
    }
  }
  return subs;
}

export function formatExchanges(list = exchanges, max = 25) {
  const lines = [];
  const shown = list.slice(-max);
  if (list.length > shown.length) lines.push(`(${list.length - shown.length} earlier exchanges omitted)`);
  for (const ex of shown) {
    const rh = { ...ex.requestHeaders };
    if (rh.authorization) rh.authorization = rh.authorization.slice(0, 14) + "…";
    lines.push(`>>> ${ex.method} ${ex.url}`);
    lines.push(`    req headers: ${JSON.stringify(rh)}`);
    if (ex.requestBody !== undefined) lines.push(`    req body: ${clip(ex.requestBody)}`);
    if (ex.error) {
      lines.push(`<<< network error: ${ex.error}`);
      continue;
    }
    lines.push(`<<< ${ex.status}`);
    lines.push(`    resp headers: ${JSON.stringify(ex.responseHeaders)}`);
    lines.push(`    resp body: ${clip(ex.responseBody)}`);
  }
  return lines;
}

/**
 * Wrap a node:test test function: resets the exchange log at start, and on
 * failure prints the recorded HTTP exchanges as test diagnostics.
 */
export function traced(fn) {
  return async (t) => {
    exchanges.length = 0;
    try {
      await fn(t);
      if (process.env.CLIENTS_TRACE) for (const l of formatExchanges()) t.diagnostic(l);
    } catch (e) {
      for (const l of formatExchanges()) t.diagnostic(l);
      throw e;
    }
  };
}


/**
 * Await a promise that must reject with a Kinto error response; returns the
 * error. `status` is checked against error.response.status.
 */
export async function rejectsWithStatus(promise, status, what = "request") {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  if (!err) throw new Error(`${what}: expected HTTP ${status} error, but the call succeeded`);
  const got = err.response ? err.response.status : undefined;
  if (got !== status) {
    const e = new Error(`${what}: expected HTTP ${status} error, got ${got === undefined ? "a non-HTTP error" : got}: ${err.message}`);
    e.cause = err;
    throw e;
  }
  return err;
}

/** Raw request helper (bypasses the clients), returns {status, headers, json}. */
export async function raw(method, path, { auth = basic("alice"), headers = {}, body } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (auth) h.Authorization = auth;
  if (body !== undefined) h["Content-Type"] = h["Content-Type"] || "application/json";
  const res = await globalThis.fetch(SERVER + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
