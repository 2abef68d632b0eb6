// Entry of the Kinto Admin bundle that ratchet serves at /v1/admin/.
//
// kinto-admin 1.31.1 on npm is the KintoAdmin component, not a built site:
// this renders it with the settings of kinto-admin's own build (200 items a
// page, the signoff plugin, which stays idle unless the server announces the
// `signer` capability).
//
// Single-server mode: when the page is served under ".../admin/" (ratchet's
// /v1/admin/, as Kinto's /v1/admin/), the server is the page's ".../v1":
// `settings.singleServer` makes KintoAdmin use it and hides the server field
// of the login form.
import React from "react";
import { render } from "react-dom";
import KintoAdmin from "kinto-admin";
import * as signoffPlugin from "kinto-admin/lib/plugins/signoff";

function serverOfPage(location) {
  const path = location.pathname;
  const at = path.lastIndexOf("/admin/");
  if (at < 0) {
    return null;
  }
  return location.origin + path.slice(0, at);
}

const singleServer = serverOfPage(window.location);

if (singleServer) {
  // A session saved in this tab for another server (the same origin serving
  // another path) would be restored as is: drop it so that the login form
  // shows this page's server.
  const SESSION_KEY = "kinto-admin-session"; // kinto-admin/lib/store/localStore.js
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    if (saved && saved.auth && saved.auth.server !== singleServer) {
      sessionStorage.removeItem(SESSION_KEY);
    }
  } catch (err) {
    sessionStorage.removeItem(SESSION_KEY);
  }
}

const settings = {
  maxPerPage: 200,
  singleServer,
};

render(
  <KintoAdmin plugins={[signoffPlugin]} settings={settings} />,
  document.getElementById("app")
);
