using Repro.Experiments.Claims;
using Repro.Models;
using Repro.Models.Darknet;
using Repro.Torch;
using Repro.Training;

namespace Repro.Experiments.Stages;

/// <summary>One trained detector of the study: which model (U-Real, U-Synthetic, F-Synthetic) and which seed.</summary>
public sealed record ModelRun(string Model, int Seed)
{
    /// <summary>The dataset it is trained on.</summary>
    public string TrainDomain => Model == StudyModels.UReal ? DataStage.Real : DataStage.Synthetic;

    /// <summary>F-Synthetic keeps the pre-trained backbone (layers 0–74) frozen.</summary>
    public bool FreezeBackbone => Model == StudyModels.FSynthetic;

    public string Folder => $"{Model}-seed{Seed}";

    public override string ToString() => $"{Model} (seed {Seed})";

    public static IEnumerable<ModelRun> All(Profile profile) =>
        from seed in profile.Seeds from model in StudyModels.All select new ModelRun(model, seed);
}

/// <summary>Builds the study's networks from the profile: the cfg, its overrides, and the backbone weights.</summary>
public static class StudyNetworks
{
    public const int Classes = 5;

    public static DarknetCfg DetectorCfg(StudyContext context, int? size = null) =>
        CfgParser.ParseFile(context.ResolvePath(context.Profile.Model.Cfg, "model.cfg"))
            .With(new ModelOverrides(Classes, context.Profile.Model.Width, size ?? context.Profile.Model.InputSize,
                context.Profile.Model.Anchors == "fitted" ? FittedAnchors.Read(context) : null));

    /// <summary>
    /// YOLOv3 initialised from the run's seed (Kaiming-uniform, the same head for every model of a seed), layers
    /// 0–74 loaded from the seed's backbone weights, and frozen for F-Synthetic.
    /// </summary>
    public static DarknetNetwork Detector(StudyContext context, ModelRun run, Device device)
    {
        var network = DarknetNetwork.Build(DetectorCfg(context), run.Seed, device);
        if (context.Profile.Training.ObjectnessPrior is { } prior) ObjectnessPrior.Apply(network, prior);
        DarknetWeights.Load(BackboneWeights(context, run.Seed), network, DarknetWeights.BackboneCutoff);
        if (run.FreezeBackbone && !Mutants.Mutants.Is(Mutants.Mutants.BackboneTrainable))
            network.Freeze(Mutants.Mutants.Is(Mutants.Mutants.FreezeCutoff) ? new LayerRange(0, 71) : LayerRange.Backbone);
        return network;
    }

    /// <summary>The files a detector is built from: the cfg, and darknet53.conv.74 when the profile gives one.</summary>
    public static IReadOnlyList<ExternalInput> DetectorInputs(StudyContext context, bool withBackbone) =>
    [
        new("model.cfg", context.ResolvePath(context.Profile.Model.Cfg, "model.cfg")),
        .. withBackbone && GivenBackbone(context) is { } given
            ? [new ExternalInput("model.backboneWeights", given)]
            : Array.Empty<ExternalInput>(),
    ];

    /// <summary>
    /// The profile's darknet53.conv.74 (null when the pretrain stage makes the backbone), checked against the
    /// detector's cfg at the profile's width: its header, and exactly the floats of layers 0–74. Tasks name it among
    /// their inputs, so a study finds a wrong or truncated file when it is planned, before any stage runs.
    /// </summary>
    public static string? GivenBackbone(StudyContext context)
    {
        if (context.Profile.Model.BackboneWeights is not { } given) return null;
        var path = context.ResolvePath(given, "model.backboneWeights");
        var cfg = CfgParser.ParseFile(context.ResolvePath(context.Profile.Model.Cfg, "model.cfg"))
            .With(new ModelOverrides(Classes, context.Profile.Model.Width, context.Profile.Model.InputSize));
        try { DarknetWeights.Verify(path, cfg); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new InvalidDataException($"model.backboneWeights: {e.Message}", e);
        }
        return path;
    }

    /// <summary>darknet53.conv.74 from the profile (paper), or the one the seed's pre-training wrote.</summary>
    public static string BackboneWeights(StudyContext context, int seed) =>
        context.Profile.Model.BackboneWeights is { } given
            ? context.ResolvePath(given, "model.backboneWeights")
            : Path.Combine(context.TaskDir(PretrainStage.TaskId(context.Profile, seed)), PretrainStage.WeightsFile);

    public const string PretrainStageName = "pretrain";

    /// <summary>The trained weights of a run (best validation epoch), as the train stage left them.</summary>
    public static string TrainedWeights(StudyContext context, ModelRun run) =>
        Path.Combine(context.TaskDir(TrainStage.TaskId(run)), Training.Trainer.BestWeightsFile);
}
