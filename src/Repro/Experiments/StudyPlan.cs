namespace Repro.Experiments;

/// <summary>
/// The stages of a study in dependency order with the fingerprint each would have for a profile: a hash of the
/// stage's name, the code version (<see cref="CodeVersion"/>), its settings and its inputs' fingerprints.
/// </summary>
public sealed class StudyPlan
{
    private readonly Dictionary<string, Stage> stages;

    public StudyPlan(IEnumerable<Stage> stages, Profile profile, string codeVersion)
    {
        this.stages = stages.ToDictionary(s => s.Name);
        Profile = profile;
        Code = codeVersion;
        Order = TopologicalOrder();
        foreach (var stage in Order)
        {
            var inputs = stage.DependsOn.ToDictionary(d => d, d => Fingerprints[d]);
            var settings = stage.SettingsJson(profile);
            Inputs[stage.Name] = inputs;
            Settings[stage.Name] = settings;
            Fingerprints[stage.Name] = Manifest.Hash($"{stage.Name}|{codeVersion}|{settings}|{string.Join("|", inputs.Select(i => $"{i.Key}={i.Value}"))}");
        }
    }

    public Profile Profile { get; }

    /// <summary>The code version every fingerprint includes.</summary>
    public string Code { get; }

    public IReadOnlyList<Stage> Order { get; }

    public Dictionary<string, string> Fingerprints { get; } = new();
    internal Dictionary<string, string> Settings { get; } = new();
    internal Dictionary<string, Dictionary<string, string>> Inputs { get; } = new();

    public Stage this[string name] => stages.TryGetValue(name, out var s)
        ? s
        : throw new ArgumentException($"unknown stage '{name}'. Stages: {string.Join(", ", Order.Select(o => o.Name))}");

    /// <summary>The stage and everything it needs, dependencies first.</summary>
    public IReadOnlyList<Stage> UpTo(string name)
    {
        var needed = new HashSet<string>();
        void Visit(string n)
        {
            if (!needed.Add(n)) return;
            foreach (var d in this[n].DependsOn) Visit(d);
        }
        Visit(name);
        return Order.Where(s => needed.Contains(s.Name)).ToList();
    }

    /// <summary>Null when the stage's folder holds a manifest with today's fingerprint, else why it must run.</summary>
    public string? WhyStale(Stage stage, string stageDir)
    {
        var manifest = Manifest.Read(stageDir);
        if (manifest is null) return "not run yet";
        if (manifest.Fingerprint == Fingerprints[stage.Name]) return null;
        if (manifest.Code != Code) return "the code changed (a new build of Repro, its shim or libtorch)";
        if (manifest.SettingsJson != Settings[stage.Name]) return "settings changed";
        var changed = Inputs[stage.Name].Where(i => !manifest.Inputs.TryGetValue(i.Key, out var old) || old != i.Value).Select(i => i.Key);
        return $"input changed: {string.Join(", ", changed)}";
    }

    private List<Stage> TopologicalOrder()
    {
        var order = new List<Stage>();
        var state = new Dictionary<string, bool>(); // false: visiting, true: done
        void Visit(Stage s)
        {
            if (state.TryGetValue(s.Name, out var done))
            {
                if (!done) throw new InvalidOperationException($"stage dependency cycle through '{s.Name}'");
                return;
            }
            state[s.Name] = false;
            foreach (var d in s.DependsOn) Visit(this[d]);
            state[s.Name] = true;
            order.Add(s);
        }
        foreach (var s in stages.Values) Visit(s);
        return order;
    }
}
