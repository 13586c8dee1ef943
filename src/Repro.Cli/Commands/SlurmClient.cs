using System.Diagnostics;
using Repro.Experiments.Slurm;

namespace Repro.Cli.Commands;

/// <summary>
/// The Slurm commands a submission and its status need, run as processes: sbatch to submit, squeue to see what is
/// queued, running or recently ended. A missing command is an error saying so (Slurm's client tools must be on PATH).
/// </summary>
internal static class SlurmClient
{
    /// <summary>
    /// Every job squeue knows, by id, those that ended included (slurmctld keeps an ended job for MinJobAge, 5 minutes
    /// by default; after that only its task's manifest and log tell how it went).
    /// </summary>
    public static IReadOnlyDictionary<string, SlurmQueuedJob> Jobs()
    {
        var output = Run("squeue", ["--noheader", "--states=all", "--format=%i|%T|%N|%M|%r"]);
        var jobs = new Dictionary<string, SlurmQueuedJob>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split('|');
            if (f.Length < 5) throw new InvalidDataException($"squeue: unexpected line '{line}'");
            jobs[f[0]] = new SlurmQueuedJob(f[0], f[1], f[2], f[3], f[4]);
        }
        return jobs;
    }

    /// <summary>Submits a batch script after the given jobs succeed; returns the new job's id.</summary>
    public static string Submit(string script, IReadOnlyList<string> afterOk)
    {
        List<string> args = ["--parsable"];
        if (afterOk.Count > 0) args.Add("--dependency=afterok:" + string.Join(":", afterOk));
        args.Add(script);
        var output = Run("sbatch", args).Trim();
        // --parsable prints "ID" or "ID;CLUSTER".
        var id = output.Split(';')[0];
        return id.Length > 0 && id.All(char.IsAsciiDigit) ? id : throw new InvalidOperationException($"sbatch {script}: unexpected answer '{output}'");
    }

    private static string Run(string command, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run {command} ({e.Message}): Slurm's client commands must be on PATH on the machine that submits", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{command} {string.Join(" ", args)} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            return stdout;
        }
    }
}
