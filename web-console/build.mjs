// Bundles the console for the WAR: dist/index.html plus content-hashed app-<hash>.js and
// app-<hash>.css (so the server may let browsers cache them for a year; index.html is never cached).
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await build({
  entryPoints: [join(here, "src/main.ts"), join(here, "src/styles.css")],
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  entryNames: "app-[hash]",
  outdir: out,
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith(".js"));
const styles = outputs.find((f) => f.endsWith(".css"));
if (!script || !styles) throw new Error(`esbuild produced ${outputs.join(", ")}: expected a .js and a .css`);
const html = (await readFile(join(here, "src/index.html"), "utf8")).replace("%SCRIPT%", script).replace("%STYLES%", styles);
await writeFile(join(out, "index.html"), html);
await copyFile(join(here, "src/favicon.svg"), join(out, "favicon.svg"));
