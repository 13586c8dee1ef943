using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Repro.Experiments;

/// <summary>
/// Who holds a task's lock: the host, the process and its start time (a pid is reused; a pid with its start time is
/// not), since when, and, in a Slurm job, which job and which start of it (a requeued job starts again under the same
/// id, possibly on another node).
/// </summary>
public sealed record LockHolder(string Host, int Pid, DateTime ProcessStarted, DateTime Since, SlurmStart? Slurm = null)
{
    public static LockHolder Current() =>
        new(Environment.MachineName, Environment.ProcessId, StartTime(Process.GetCurrentProcess()), DateTime.UtcNow, SlurmStart.Current());

    /// <summary>
    /// Whether the holder is known to be gone: a process of this host that no longer runs, or an earlier start of
    /// the Slurm job this process runs in (Slurm ends a job's processes before it requeues the job, so the start
    /// that held the lock is over, on whichever node it ran). Any other holder on another host cannot be looked at
    /// and is presumed alive (its lock has to be removed by hand once that host is known to be down).
    /// </summary>
    public bool IsDead() => IsDead(SlurmStart.Current());

    /// <summary><see cref="IsDead()"/> as seen from a process in the given start of a Slurm job (none: outside Slurm).</summary>
    public bool IsDead(SlurmStart? current)
    {
        if (Slurm is { } held && current is { } now && held.Job == now.Job && held.Restart < now.Restart) return true;
        if (Host != Environment.MachineName) return false;
        try
        {
            using var process = Process.GetProcessById(Pid);
            return process.HasExited || Math.Abs((StartTime(process) - ProcessStarted).TotalSeconds) > 1;
        }
        catch (ArgumentException) { return true; } // no such process
        catch (InvalidOperationException) { return true; } // it exited while we looked
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"process {Pid} on {Host} (since {Since.ToLocalTime():yyyy-MM-dd HH:mm:ss})");

    private static DateTime StartTime(Process process) => process.StartTime.ToUniversalTime();
}

/// <summary>A start of a Slurm job: its id and how many times it was started before (SLURM_RESTART_COUNT, raised by each requeue).</summary>
public sealed record SlurmStart(string Job, int Restart)
{
    /// <summary>The start this process runs in; null outside a Slurm job.</summary>
    public static SlurmStart? Current() =>
        Environment.GetEnvironmentVariable("SLURM_JOB_ID") is { Length: > 0 } job
            ? new SlurmStart(job, int.TryParse(Environment.GetEnvironmentVariable("SLURM_RESTART_COUNT"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            : null;
}

/// <summary>Another run holds the task's lock and the caller asked not to wait.</summary>
public sealed class TaskLockedException(string message) : InvalidOperationException(message);

/// <summary>
/// One writer per task: a run holds its task's lock file (artifacts/PROFILE/.locks/ID.lock, JSON naming the
/// <see cref="LockHolder"/>) while the task runs, so two runs on one artifacts folder never run a task at once (a
/// nightly run started beside a manual one, two Slurm jobs). The file is written beside the lock first and then
/// linked into place with a move that refuses to overwrite (link(2) on Unix, atomic on local file systems and on NFS):
/// whoever links first holds the lock, and the file is complete when anyone can read it. A lock whose holder is dead
/// (same host, no process with that pid and start time) is stale: it is renamed away (one of several contenders wins
/// the rename) and taken over, with a message. Released by <see cref="Dispose"/>, which removes the file only if it
/// is still this holder's.
/// </summary>
public sealed class TaskLock : IDisposable
{
    public const string Folder = ".locks";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Remind = TimeSpan.FromMinutes(1);

    private readonly string path;
    private readonly LockHolder holder;

    private TaskLock(string path, LockHolder holder) => (this.path, this.holder) = (path, holder);

    /// <summary>The lock file of a task: its id with '/' as '+', so every task's lock sits in one folder.</summary>
    public static string PathOf(StudyContext context, string taskId) => Path.Combine(context.ArtifactsDir, Folder, taskId.Replace('/', '+') + ".lock");

    /// <summary>
    /// Takes the task's lock, waiting while a live run holds it (logging whom it waits for, then once a minute), or
    /// throwing <see cref="TaskLockedException"/> when <paramref name="wait"/> is false.
    /// </summary>
    public static TaskLock Acquire(StudyContext context, string taskId, bool wait, CancellationToken cancel = default)
    {
        var path = PathOf(context, taskId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var me = LockHolder.Current();
        var waiting = Stopwatch.StartNew();
        TimeSpan? lastTold = null;
        while (true)
        {
            if (TryCreate(path, me)) return new TaskLock(path, me);
            var other = Read(path);
            if (other is null) continue; // released (or being taken over) between our attempt and the read
            if (other.IsDead())
            {
                if (TryRemoveStale(path, other))
                    context.Progress.Log($"{taskId}: took over the lock of {other}, which is no longer running ({path})");
                continue;
            }
            if (!wait)
                throw new TaskLockedException($"task '{taskId}' is being run by {other} (lock file {path}); run again without --no-wait to wait for it");
            if (lastTold is not { } told || waiting.Elapsed - told >= Remind)
            {
                context.Progress.Log($"{taskId}: waiting for {other}, which is running it ({path})");
                lastTold = waiting.Elapsed;
            }
            Task.Delay(Poll, cancel).GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Removes a task's lock when its holder is known, by a caller that can see more than this host, to be gone (a
    /// Slurm job squeue no longer lists as running); returns that holder, or null when there was no such lock.
    /// </summary>
    public static LockHolder? RemoveIf(StudyContext context, string taskId, Func<LockHolder, bool> gone)
    {
        var path = PathOf(context, taskId);
        if (!File.Exists(path)) return null; // also when no task has run yet: no lock folder
        return Read(path) is { } holder && gone(holder) && TryRemoveStale(path, holder) ? holder : null;
    }

    /// <summary>The holder a lock file names; null when there is none (or it vanished while being read).</summary>
    public static LockHolder? Read(string path)
    {
        try { return JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(path)); }
        catch (FileNotFoundException) { return null; }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a lock file ({e.Message}); delete it if no run is using this task", e); }
    }

    public void Dispose()
    {
        // Only our own lock: a lock taken over from us (we were presumed dead) belongs to its new holder.
        if (Read(path) == holder) File.Delete(path);
    }

    private static bool TryCreate(string path, LockHolder me)
    {
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        File.WriteAllText(temp, JsonSerializer.Serialize(me));
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path)) { return false; }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Renames a stale lock away, if it is still the one we judged stale; false when another contender got there first.</summary>
    private static bool TryRemoveStale(string path, LockHolder stale)
    {
        var aside = $"{path}.stale-{Guid.NewGuid():N}";
        try { File.Move(path, aside, overwrite: false); }
        catch (FileNotFoundException) { return false; }
        if (Read(aside) == stale)
        {
            File.Delete(aside);
            return true;
        }
        // Between our read and the rename another contender replaced it with a live lock: put that one back.
        try { File.Move(aside, path, overwrite: false); }
        catch (IOException) { File.Delete(aside); }
        return false;
    }
}
