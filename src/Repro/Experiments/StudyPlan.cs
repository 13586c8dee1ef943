namespace Repro.Experiments;

/// <summary>
/// The study as a graph of tasks for one profile: the stages in dependency order, their tasks in an order where
/// every task comes after the tasks it needs, and whether each task is up to date. A task's fingerprint is a hash of
/// its id, the version of the code it runs (its stage's and the engine's, <see cref="CodeVersion"/>), its settings, the content of the external files it reads and the content hashes of the
/// outputs its needed tasks recorded (<see cref="Manifest"/>); it is therefore known once those tasks have run.
/// </summary>
public sealed class StudyPlan
{
    private readonly Dictionary<string, Stage> stages;
    private readonly Dictionary<string, StudyTask> tasks;
    private readonly Dictionary<string, TaskKey> keys = new();
    private readonly Dictionary<string, string?> staleness = new();

    public StudyPlan(IEnumerable<Stage> stages, StudyContext context, string engineVersion)
    {
        this.stages = stages.ToDictionary(s => s.Name);
        Context = context;
        Engine = engineVersion;
        Order = TopologicalOrder(this.stages.Values.ToList(), s => s.Name, s => s.DependsOn, "stage");
        var all = Order.SelectMany(s => s.Tasks(context)).ToList();
        tasks = new Dictionary<string, StudyTask>();
        foreach (var t in all)
            if (!tasks.TryAdd(t.Id, t)) throw new InvalidOperationException($"two tasks with the id '{t.Id}'");
        foreach (var t in all)
            foreach (var need in t.Needs.Where(n => !tasks.ContainsKey(n)))
                throw new InvalidOperationException($"task '{t.Id}' needs '{need}', which is not a task of the study");
        Tasks = TopologicalOrder(all, t => t.Id, t => t.Needs, "task");
    }

    public StudyContext Context { get; }

    public Profile Profile => Context.Profile;

    /// <summary>The engine's version (<see cref="CodeVersion.Engine"/>), part of every task's code version.</summary>
    public string Engine { get; }

    public IReadOnlyList<Stage> Order { get; }

    /// <summary>Every task, each after the tasks it needs.</summary>
    public IReadOnlyList<StudyTask> Tasks { get; }

    public Stage this[string name] => stages.TryGetValue(name, out var s)
        ? s
        : throw new ArgumentException($"unknown stage '{name}'. Stages: {string.Join(", ", Order.Select(o => o.Name))}");

    public StudyTask Task(string id) => tasks.TryGetValue(id, out var t)
        ? t
        : throw new ArgumentException($"unknown task '{id}' in profile '{Profile.Name}' (repro study tasks --profile {Profile.Name} lists them)");

    /// <summary>A stage's tasks (by stage name), or the one task of that id.</summary>
    public IReadOnlyList<StudyTask> Select(string stageOrTask) =>
        stages.ContainsKey(stageOrTask) ? Tasks.Where(t => t.Stage == stageOrTask).ToList() : [Task(stageOrTask)];

    /// <summary>The tasks and everything they need, needed tasks first.</summary>
    public IReadOnlyList<StudyTask> UpTo(IEnumerable<StudyTask> targets)
    {
        var needed = new HashSet<string>();
        void Visit(StudyTask t)
        {
            if (!needed.Add(t.Id)) return;
            foreach (var n in t.Needs) Visit(Task(n));
        }
        foreach (var t in targets) Visit(t);
        return Tasks.Where(t => needed.Contains(t.Id)).ToList();
    }

    /// <summary>
    /// Finds the external inputs of every task up to the target (downloads' label files, the given backbone, checked
    /// against the cfg), so that a missing or wrong file is an error naming it before any task runs, not hours in.
    /// </summary>
    public void CheckInputs(string stageOrTask)
    {
        foreach (var task in UpTo(stageOrTask)) _ = task.ExternalInputs;
    }

    /// <summary>The stage and everything it needs, dependencies first.</summary>
    public IReadOnlyList<StudyTask> UpTo(string stageOrTask) => UpTo(Select(stageOrTask));

    /// <summary>Other tasks' folders inside this task's folder, relative ('/'-separated): not its outputs.</summary>
    public IReadOnlyList<string> NestedIn(StudyTask task) =>
        Tasks.Where(t => t.Id.StartsWith(task.Id + "/", StringComparison.Ordinal)).Select(t => t.Id[(task.Id.Length + 1)..]).ToList();

    public string Dir(StudyTask task) => Context.TaskDir(task.Id);

    /// <summary>What the task's fingerprint takes from the code, the profile and the external files (computed once).</summary>
    public TaskKey Key(StudyTask task)
    {
        if (keys.TryGetValue(task.Id, out var key)) return key;
        var external = task.ExternalInputs.ToDictionary(i => i.Setting, i => i.Hash(Context.InputHashes));
        return keys[task.Id] = new TaskKey(CodeVersion.Of(this[task.Stage].Code, Engine) + Mutants.Mutants.CodeMark(task.Stage, task.Id), task.SettingsJson, external);
    }

    /// <summary>The output hashes the needed tasks recorded; an error names a needed task that has not finished.</summary>
    public IReadOnlyDictionary<string, string> InputHashes(StudyTask task) =>
        task.Needs.ToDictionary(n => n, n => Manifest.Read(Context.TaskDir(n))?.Outputs
            ?? throw new InvalidOperationException($"task '{task.Id}' needs '{n}', which has not finished (no manifest in {Context.TaskDir(n)})"));

    public static string Fingerprint(StudyTask task, TaskKey key, IReadOnlyDictionary<string, string> inputs) =>
        Manifest.Hash(string.Join("|",
            task.Id, key.Code, key.SettingsJson,
            string.Join(";", key.External.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
            string.Join(";", inputs.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))));

    /// <summary>
    /// Null when the task and every task it needs are up to date; else why it must run: a needed task that must run
    /// first (with its reason), "not run yet", what changed since its manifest was written, or which of its output
    /// files changed on disk since (<see cref="TaskOutputs"/>).
    /// </summary>
    public string? WhyStale(StudyTask task)
    {
        if (staleness.TryGetValue(task.Id, out var known)) return known;
        return staleness[task.Id] = Compute();

        string? Compute()
        {
            foreach (var need in task.Needs)
                if (WhyStale(Task(need)) is { } why)
                    return why.StartsWith("needs ", StringComparison.Ordinal) ? why : $"needs {need}: {why}";
            var manifest = Manifest.Read(Dir(task));
            if (manifest is null) return "not run yet";
            TaskKey key;
            try { key = Key(task); }
            catch (Exception e) when (e is IOException or InvalidOperationException) { return $"cannot check: {e.Message}"; }
            var inputs = InputHashes(task);
            if (manifest.Fingerprint == Fingerprint(task, key, inputs))
            {
                var check = TaskOutputs.Check(Dir(task), NestedIn(task), manifest);
                check.Refreshed?.Write(Dir(task));
                return check.Changed;
            }
            var reasons = new List<string>();
            if (manifest.Code != key.Code) reasons.Add(CodeVersion.Difference(manifest.Code, key.Code));
            if (manifest.SettingsJson != key.SettingsJson) reasons.Add("settings changed");
            var external = Changed(key.External, manifest.External).ToList();
            if (external.Count > 0) reasons.Add($"external input changed: {string.Join(", ", external)}");
            var changed = Changed(inputs, manifest.Inputs).ToList();
            if (changed.Count > 0) reasons.Add($"input changed: {string.Join(", ", changed)}");
            return reasons.Count > 0 ? string.Join("; ", reasons) : "fingerprint changed";
        }
    }

    /// <summary>Forgets what it knew about staleness: a task finished and wrote its manifest.</summary>
    public void Invalidate() => staleness.Clear();

    private static IEnumerable<string> Changed(IReadOnlyDictionary<string, string> now, IReadOnlyDictionary<string, string> recorded) =>
        now.Where(i => !recorded.TryGetValue(i.Key, out var old) || old != i.Value).Select(i => i.Key)
            .Concat(recorded.Keys.Where(k => !now.ContainsKey(k)));

    private static List<T> TopologicalOrder<T>(IReadOnlyList<T> items, Func<T, string> name, Func<T, IReadOnlyList<string>> needs, string kind)
    {
        var byName = items.ToDictionary(name);
        var order = new List<T>();
        var state = new Dictionary<string, bool>(); // false: visiting, true: done
        void Visit(T item)
        {
            if (state.TryGetValue(name(item), out var done))
            {
                if (!done) throw new InvalidOperationException($"{kind} dependency cycle through '{name(item)}'");
                return;
            }
            state[name(item)] = false;
            foreach (var d in needs(item))
                Visit(byName.TryGetValue(d, out var x) ? x : throw new ArgumentException($"{kind} '{name(item)}' needs unknown {kind} '{d}'"));
            state[name(item)] = true;
            order.Add(item);
        }
        foreach (var item in items) Visit(item);
        return order;
    }
}

/// <summary>What a task's fingerprint takes from outside its inputs: the code version, its settings, its external files.</summary>
public sealed record TaskKey(string Code, string SettingsJson, IReadOnlyDictionary<string, string> External);
