using Repro.Experiments;
using Repro.Experiments.Stages;

namespace Repro.Tests.Experiments;

public class StudyResultsReaderTests
{
    private string root = "";
    private StudyContext context = null!;

    [SetUp]
    public void CreateArtifacts()
    {
        root = Directory.CreateTempSubdirectory("repro-results-reader-").FullName;
        // A profile name of its own, so even a shared REPRO_ARTIFACTS folder gets a fresh directory.
        var profile = Profile.Named(RepoPaths.Root, "ci") with { Name = Path.GetFileName(root) };
        context = new StudyContext(profile, root, new SilentProgress());
        Write("analyze", AnalyzeStage.PerLayerTable, "model_a,seed_a,model_b,seed_b,size,layer,kind,cka,lower,upper\nU-Real,0,U-Synthetic,0,32,0,convolutional,0.97,,\n");
        Write("evaluate", EvaluateStage.MapTable, "model,seed,test_set,map\nU-Real,0,real,0.431\n");
    }

    [TearDown]
    public void DeleteArtifacts()
    {
        Directory.Delete(root, recursive: true);
        if (Directory.Exists(context.ArtifactsDir)) Directory.Delete(context.ArtifactsDir, recursive: true);
    }

    private void Write(string stage, string file, string text)
    {
        Directory.CreateDirectory(context.StageDir(stage));
        File.WriteAllText(Path.Combine(context.StageDir(stage), file), text);
    }

    [Test]
    public void ActivationStatisticsReadBackIntoSummaries()
    {
        Write("analyze", AnalyzeStage.StatisticsTable,
            "model,seed,size,count,mean,std,min,max,median,median_error,fraction_zero,fraction_negative\n" +
            "U-Real,0,32,16572000,0.702,1.357,-7.5,24.25,0.211,0.00049,0,0.4255\n" +
            "F-Synthetic,1,416,5000000000,-0.5,2,-9,30,,,0.125,0.75\n");
        var activations = StudyResultsReader.Read(context).Activations;

        Assert.That(activations, Has.Count.EqualTo(2));
        var (model, seed, size, s) = activations[0];
        Assert.That((model, seed, size), Is.EqualTo(("U-Real", 0, 32)));
        Assert.That((s.Count, s.Mean, s.Std, s.Min, s.Max, s.Median, s.MedianErrorBound, s.FractionZeros, s.FractionNegatives),
            Is.EqualTo((16572000L, 0.702, 1.357, -7.5, 24.25, 0.211, 0.00049, 0.0, 0.4255)));
        var second = activations[1];
        Assert.That(second.Summary.Count, Is.EqualTo(5_000_000_000L), "counts beyond int range");
        Assert.That(second.Summary.Median, Is.NaN, "an empty cell is NaN");
        Assert.That(second.Summary.FractionNegatives, Is.EqualTo(0.75));
    }
}
