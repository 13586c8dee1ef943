namespace Repro.Experiments.Slurm;

/// <summary>
/// Which of a study's tasks a submission sends to Slurm, and after which jobs each may start: every task that is not
/// up to date and has no job queued or running, after the jobs of its needs that are queued, running or submitted
/// with it (<c>--dependency=afterok</c>). A need that is up to date is no dependency. A rerun of submit after some
/// jobs finished, failed or were cancelled therefore submits exactly what is left.
/// </summary>
public static class SlurmSubmission
{
    /// <summary>One job to submit: the task, and what it waits for: queued jobs by id, and tasks submitted before it in this submission.</summary>
    public sealed record Job(StudyTask Task, IReadOnlyList<string> AfterQueuedJobs, IReadOnlyList<string> AfterSubmittedTasks);

    /// <param name="tasks">the target's tasks and everything they need, each after what it needs (<see cref="StudyPlan.UpTo(string)"/>)</param>
    /// <param name="upToDate">whether a task is up to date (its outputs can be read as they are)</param>
    /// <param name="queuedJobs">the job id of each task whose job is pending or running</param>
    public static IReadOnlyList<Job> Plan(IReadOnlyList<StudyTask> tasks, Func<StudyTask, bool> upToDate, IReadOnlyDictionary<string, string> queuedJobs)
    {
        var submitted = new HashSet<string>();
        var jobs = new List<Job>();
        foreach (var task in tasks)
        {
            if (queuedJobs.ContainsKey(task.Id) || upToDate(task)) continue;
            var afterJobs = task.Needs.Where(queuedJobs.ContainsKey).Select(n => queuedJobs[n]).ToList();
            var afterTasks = task.Needs.Where(submitted.Contains).ToList();
            var unmet = task.Needs.Where(n => !queuedJobs.ContainsKey(n) && !submitted.Contains(n) && !upToDate(tasks.First(t => t.Id == n))).ToList();
            if (unmet.Count > 0)
                throw new InvalidOperationException($"task '{task.Id}' needs {string.Join(", ", unmet)}, which is neither up to date, queued nor submitted (tasks out of order?)");
            jobs.Add(new Job(task, afterJobs, afterTasks));
            submitted.Add(task.Id);
        }
        return jobs;
    }
}
