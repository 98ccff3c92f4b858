// Prints the path of the native codex binary installed by npm (the pinned @openai/codex).
// The npm `codex` command is a Node wrapper; tests and the app spawn the native binary.
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";

const require = createRequire(import.meta.url);
const triples = {
  "linux-x64": ["@openai/codex-linux-x64", "x86_64-unknown-linux-musl"],
  "linux-arm64": ["@openai/codex-linux-arm64", "aarch64-unknown-linux-musl"],
  "darwin-x64": ["@openai/codex-darwin-x64", "x86_64-apple-darwin"],
  "darwin-arm64": ["@openai/codex-darwin-arm64", "aarch64-apple-darwin"],
  "win32-x64": ["@openai/codex-win32-x64", "x86_64-pc-windows-msvc"],
  "win32-arm64": ["@openai/codex-win32-arm64", "aarch64-pc-windows-msvc"],
};
const entry = triples[`${process.platform}-${process.arch}`];
if (!entry) {
  console.error(`codex-path: no codex build for ${process.platform}-${process.arch}`);
  process.exit(1);
}
const [pkg, triple] = entry;
let pkgDir;
try {
  pkgDir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [path.resolve("node_modules/@openai/codex")] }));
} catch {
  console.error(`codex-path: ${pkg} is not installed; run \`npm ci\` first`);
  process.exit(1);
}
const exe = process.platform === "win32" ? "codex.exe" : "codex";
const bin = path.join(pkgDir, "vendor", triple, "bin", exe);
if (!fs.existsSync(bin)) {
  console.error(`codex-path: ${bin} is missing`);
  process.exit(1);
}
console.log(bin);
