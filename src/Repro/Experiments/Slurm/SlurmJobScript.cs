using System.Text;

namespace Repro.Experiments.Slurm;

/// <summary>
/// The batch script of one task's Slurm job: `repro study run --task ID` on the shared artifacts folder, with the
/// threads pinned as a local run pins them, its output appended to a log of its own. A training also asks Slurm to
/// signal it before its time limit (<c>--signal=B:USR1@GRACE</c>) and may be requeued (<c>--requeue</c>): the
/// script then lets the epoch under way be saved and requeues its own job; Slurm stops the training and starts the
/// script again later, and the training resumes from that epoch's checkpoint (written atomically).
/// The dependencies (<c>--dependency=afterok:…</c>) are given to sbatch, since they are job ids known only at
/// submission.
/// </summary>
public sealed record SlurmJobScript(StudyTask Task, string Kind, SlurmResources Resources, string Text, string LogPattern)
{
    /// <summary>What every job runs: the repro command (the same build as the submitting process) and the study's arguments.</summary>
    public sealed record Command(IReadOnlyList<string> Repro, string Profile, string RepoRoot, string ArtifactsRoot, IReadOnlyList<string> Overrides);

    /// <summary>The job name, for squeue: the profile and the task.</summary>
    public static string JobName(Profile profile, StudyTask task) => $"repro:{profile.Name}:{task.Id}";

    /// <summary>A task's id as one file name ('/' as '+', as its lock file).</summary>
    public static string FileName(StudyTask task) => task.Id.Replace('/', '+');

    public static SlurmJobScript For(StudyContext context, StudyTask task, SlurmResources resources, Command command, TimeSpan requeueGrace, string logDir)
    {
        var kind = SlurmJobKind.Of(task);
        // %j: every job of a task logs to a file of its own (a resubmission after a failure keeps the failed log);
        // a requeued job keeps its id, and appends.
        var log = Path.Combine(logDir, $"{FileName(task)}-%j.log");
        foreach (var (what, path) in new[] { ("log folder", logDir), ("repository", command.RepoRoot), ("artifacts root", command.ArtifactsRoot) })
            if (path.Any(char.IsWhiteSpace))
                throw new ArgumentException($"the {what} '{path}' contains whitespace, which #SBATCH lines cannot carry; use a path without it");
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"# repro: task {task.Id} of profile {context.Profile.Name} ({kind})\n");
        foreach (var directive in (string[])
                 [
                     $"--job-name={JobName(context.Profile, task)}", $"--output={log}", "--open-mode=append",
                     // A job whose needed job failed is cancelled, not left pending forever: status shows it, and the
                     // next submit resubmits it.
                     "--kill-on-invalid-dep=yes",
                     .. resources.Directives(),
                     .. kind == SlurmJobKind.Train ? [$"--signal=B:USR1@{(int)requeueGrace.TotalSeconds}", "--requeue"] : Array.Empty<string>(),
                 ])
            text.Append($"#SBATCH {directive}\n");
        text.Append("set -uo pipefail\n");
        text.Append($"export REPRO_ARTIFACTS={Quote(command.ArtifactsRoot)}\n");
        // OMP_NUM_THREADS is the threads of a task (CpuJobs): the job's CPUs. A CPU profile's jobs get one CPU by
        // default, the one thread a local run gives each task, so the sums round alike and the bytes are the same;
        // more CPUs make a task faster and round as a local run under OMP_NUM_THREADS=N does.
        text.Append($"export OMP_NUM_THREADS={resources.Cpus} OPENBLAS_NUM_THREADS={resources.Cpus}\n");
        text.Append($"cd {Quote(command.RepoRoot)}\n");
        text.Append("echo \"[repro] $(date -u +%Y-%m-%dT%H:%M:%SZ) job ${SLURM_JOB_ID:-?} on $(hostname), start ${SLURM_RESTART_COUNT:-0}: task " + task.Id + "\"\n");
        var run = string.Join(" ", command.Repro.Select(Quote)) + " study run --task " + Quote(task.Id) + " --profile " + Quote(command.Profile) +
                  " --repo " + Quote(command.RepoRoot) + string.Concat(command.Overrides.Select(o => " --set " + Quote(o)));
        if (kind != SlurmJobKind.Train)
        {
            text.Append($"exec {run}\n");
            return new SlurmJobScript(task, kind, resources, text.ToString(), log);
        }
        // The training runs in the background so that this shell can take Slurm's signal while it runs (bash runs a
        // trap only between commands, and `wait` is one it interrupts). On the signal it waits for the epoch under
        // way to be saved, then requeues the job: an epoch shorter than the grace loses nothing. timings.csv is the
        // last file a training writes for an epoch (after the checkpoint and metrics.csv). With 30 s of the grace
        // left it requeues anyway, and the training resumes from the epoch before.
        var epochDone = Path.Combine(command.ArtifactsRoot, context.Profile.Name, task.Id, Repro.Training.TimingsCsv.FileName);
        var wait = Math.Max(0, (int)requeueGrace.TotalSeconds - 30);
        text.Append($$"""
            {{run}} &
            training=$!
            epoch_done={{Quote(epochDone)}}
            saved() { stat -c %y "$epoch_done" 2>/dev/null || echo none; }
            limit_near=0
            trap 'limit_near=1' USR1
            while :; do
              wait "$training"; status=$?
              kill -0 "$training" 2>/dev/null || exit "$status"
              [ "$limit_near" = 1 ] || continue
              limit_near=0
              echo "[repro] $(date -u +%Y-%m-%dT%H:%M:%SZ) time limit near: job $SLURM_JOB_ID requeues itself once the epoch under way is saved"
              before=$(saved); deadline=$((SECONDS + {{wait}}))
              while kill -0 "$training" 2>/dev/null && [ "$(saved)" = "$before" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
              kill -0 "$training" 2>/dev/null || continue
              echo "[repro] $(date -u +%Y-%m-%dT%H:%M:%SZ) requeueing job $SLURM_JOB_ID; the training resumes from its last saved epoch"
              scontrol requeue "$SLURM_JOB_ID"
            done

            """);
        return new SlurmJobScript(task, kind, resources, text.ToString(), log);
    }

    /// <summary>A word for bash: as it is when it is plain, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c)) ? word : "'" + word.Replace("'", "'\"'\"'") + "'";
}
