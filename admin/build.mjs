// Bundles src/index.jsx (kinto-admin and its dependencies) into OUTDIR with
// esbuild: OUTDIR/index.html, admin-<hash>.js, admin-<hash>.css, assets/ (the
// images the CSS refers to) and VERSION (kinto-admin's version). Every URL is
// relative, so the site works under any path (ratchet serves it at /v1/admin/).
//
// usage: node build.mjs OUTDIR
import * as esbuild from "esbuild";
import { promises as fs } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}
const out = path.resolve(outdir);

const adminVersion = JSON.parse(
  await fs.readFile(require.resolve("kinto-admin/package.json"), "utf8")
).version;

// Imports that kinto-admin's package, published for webpack, leaves to its
// build: "~pkg/..." in CSS means the package "pkg"; the Breadcrumbs
// stylesheet is missing from the package.
const kintoAdminFixups = {
  name: "kinto-admin-fixups",
  setup(build) {
    build.onResolve({ filter: /^~/ }, args =>
      build.resolve(args.path.slice(1), {
        kind: args.kind,
        resolveDir: args.resolveDir,
      })
    );
    build.onResolve({ filter: /^\.\/style\.css$/ }, args => {
      if (!/[\\/]kinto-admin[\\/]lib[\\/]components[\\/]Breadcrumbs$/.test(args.resolveDir)) {
        return undefined;
      }
      return { path: path.join(here, "src", "breadcrumbs.css") };
    });
  },
};

// Remove what an earlier build left, and only that: OUTDIR may hold other
// files. index.html goes first and comes back last, so that its presence
// means a complete build.
await fs.mkdir(out, { recursive: true });
await fs.rm(path.join(out, "index.html"), { force: true });
for (const name of await fs.readdir(out)) {
  if (name === "VERSION" || name === "assets" || /^admin-[^/]*\.(js|css)(\.LEGAL\.txt)?$/.test(name)) {
    await fs.rm(path.join(out, name), { recursive: true, force: true });
  }
}

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { admin: path.join(here, "src", "index.jsx") },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  platform: "browser",
  target: "es2020",
  outdir: out,
  entryNames: "[name]-[hash]",
  assetNames: "assets/[name]-[hash]",
  publicPath: "",
  metafile: true,
  legalComments: "linked",
  logLevel: "warning",
  jsx: "transform",
  loader: {
    ".js": "jsx",
    ".png": "file",
    ".svg": "file",
    ".gif": "file",
    ".jpg": "file",
    ".woff": "file",
    ".woff2": "file",
    ".ttf": "file",
    ".eot": "file",
  },
  define: {
    "process.env.NODE_ENV": '"production"',
    "process.env.KINTO_ADMIN_VERSION": JSON.stringify(adminVersion),
    "process.env.REACT_APP_VERSION": "undefined",
    global: "globalThis",
  },
  plugins: [kintoAdminFixups],
});

let js, css;
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) {
    js = path.basename(file);
    if (meta.cssBundle) {
      css = path.basename(meta.cssBundle);
    }
  }
}
if (!js || !css) {
  console.error("esbuild produced no JavaScript or no stylesheet bundle");
  process.exit(1);
}

await fs.writeFile(path.join(out, "VERSION"), adminVersion + "\n");
const template = await fs.readFile(path.join(here, "index.html"), "utf8");
await fs.writeFile(
  path.join(out, "index.html"),
  template.replace("%CSS%", css).replace("%JS%", js)
);

const files = Object.keys(result.metafile.outputs).length + 2;
console.log(`kinto-admin ${adminVersion} built into ${out} (${files} files)`);
