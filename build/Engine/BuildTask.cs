namespace Repro.Build.Engine;

/// <summary>
/// One step of the build, as a Cake Frosting task: a small class with a name, declared dependencies
/// (<see cref="DependsOnAttribute"/>), an optional reason to skip, and the work itself.
/// </summary>
internal abstract class BuildTask
{
    /// <summary>The name used with --target: the [TaskName] if given, else the class name without "Task".</summary>
    public string Name =>
        GetType().GetCustomAttributes(typeof(TaskNameAttribute), false) is [TaskNameAttribute a]
            ? a.Name
            : GetType().Name.EndsWith("Task", StringComparison.Ordinal) ? GetType().Name[..^4] : GetType().Name;

    /// <summary>One line for --tree and --help.</summary>
    public virtual string Description => "";

    /// <summary>Null to run, or the reason this task has nothing to do (shown in the summary table).</summary>
    public virtual string? SkipReason(BuildContext context) => null;

    public abstract void Run(BuildContext context);
}

/// <summary>Declares that a task needs another to have run first (Frosting's IsDependentOn).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class DependsOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}

/// <summary>Overrides the task's name (Frosting's TaskName).</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
