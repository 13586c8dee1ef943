namespace Repro.Build.Engine;

/// <summary>
/// The command line of the build program: --target NAME (repeatable), --exclusive, --dryrun, --tree, --help, and
/// any other --key value (or bare --flag) passed through to tasks.
/// </summary>
internal sealed class BuildArguments
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Targets { get; } = [];
    public bool Exclusive { get; private set; }
    public bool DryRun { get; private set; }
    public bool Tree { get; private set; }
    public bool Help { get; private set; }

    public static BuildArguments Parse(IReadOnlyList<string> args)
    {
        var result = new BuildArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new ArgumentException($"unexpected argument '{arg}': arguments are --key value pairs (see --help)");
            var key = arg[2..];
            string? inline = null;
            if (key.IndexOf('=') is var eq and > 0) (key, inline) = (key[..eq], key[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "exclusive": result.Exclusive = true; continue;
                case "dryrun": case "dry-run": result.DryRun = true; continue;
                case "tree": result.Tree = true; continue;
                case "help": case "h": result.Help = true; continue;
            }
            var value = inline ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true");
            if (key.Equals("target", StringComparison.OrdinalIgnoreCase)) result.Targets.Add(value);
            else result.Add(key, value);
        }
        if (result.Targets.Count == 0) result.Targets.Add("Default");
        return result;
    }

    private void Add(string key, string value)
    {
        if (!values.TryGetValue(key, out var list)) values[key] = list = [];
        list.Add(value);
    }

    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>The last value given for key, or the fallback.</summary>
    public string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v[^1] : fallback;

    public IReadOnlyList<string> GetAll(string key) => values.TryGetValue(key, out var v) ? v : [];

    /// <summary>Every pass-through argument, for tasks that forward them to another program.</summary>
    public IEnumerable<KeyValuePair<string, List<string>>> PassThrough => values;
}
