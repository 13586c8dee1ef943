using Repro.Experiments.Stages;

namespace Repro.Experiments.Slurm;

/// <summary>
/// Which resources a task's job asks for: a training (long; checkpoints every epoch, so it may be requeued near its
/// time limit), another task on the profile's GPU, or a task on a CPU.
/// </summary>
public static class SlurmJobKind
{
    public const string Train = "train";
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";

    public static string Of(StudyTask task) =>
        IsTraining(task) ? Train : task.Device == "cuda" ? Gpu : Cpu;

    /// <summary>A detector's training (or, in a profile with given weights, their copy): the tasks that resume from a checkpoint of their own.</summary>
    public static bool IsTraining(StudyTask task) => task.Stage == "train" && task.Id != TrainStage.AnchorsTaskId;
}
