using System.Reflection;

namespace Repro.Build.Engine;

/// <summary>The tasks of this program and their dependencies; plans the order in which targets run.</summary>
internal sealed class TaskGraph
{
    private readonly Dictionary<Type, BuildTask> byType;

    public TaskGraph(IEnumerable<BuildTask> tasks)
    {
        byType = tasks.ToDictionary(t => t.GetType());
        foreach (var task in byType.Values)
            foreach (var dependency in Dependencies(task))
                if (!byType.ContainsKey(dependency))
                    throw new InvalidOperationException($"task {task.Name} depends on {dependency.Name}, which is not registered");
    }

    /// <summary>Every task in the assembly that derives from BuildTask, in name order.</summary>
    public static TaskGraph FromAssembly(Assembly assembly) =>
        new(assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(BuildTask)) && !t.IsAbstract)
            .Select(t => (BuildTask)Activator.CreateInstance(t)!)
            .OrderBy(t => t.Name, StringComparer.Ordinal));

    public IEnumerable<BuildTask> Tasks => byType.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    public BuildTask Find(string name) =>
        byType.Values.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown target '{name}'. Targets: {string.Join(", ", Tasks.Select(t => t.Name))}");

    public IEnumerable<BuildTask> DependenciesOf(BuildTask task) => Dependencies(task).Select(t => byType[t]);

    private static IEnumerable<Type> Dependencies(BuildTask task) =>
        task.GetType().GetCustomAttributes<DependsOnAttribute>().Select(a => a.Task);

    /// <summary>
    /// The tasks to run for the targets, dependencies first, each once, in a stable order (depth-first, in
    /// declaration order). With exclusive, only the targets themselves.
    /// </summary>
    public IReadOnlyList<BuildTask> Plan(IEnumerable<string> targets, bool exclusive)
    {
        var order = new List<BuildTask>();
        var done = new HashSet<BuildTask>();
        var visiting = new Stack<BuildTask>();
        void Visit(BuildTask task)
        {
            if (done.Contains(task)) return;
            if (visiting.Contains(task))
                throw new InvalidOperationException($"dependency cycle: {string.Join(" -> ", visiting.Reverse().Append(task).Select(t => t.Name))}");
            visiting.Push(task);
            foreach (var dependency in DependenciesOf(task)) Visit(dependency);
            visiting.Pop();
            done.Add(task);
            order.Add(task);
        }
        foreach (var name in targets)
        {
            var target = Find(name);
            if (exclusive) { if (done.Add(target)) order.Add(target); }
            else Visit(target);
        }
        return order;
    }
}
