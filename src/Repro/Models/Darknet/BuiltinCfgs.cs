namespace Repro.Models.Darknet;

/// <summary>The cfgs of <c>experiments/models/</c>, embedded in the library.</summary>
public static class BuiltinCfgs
{
    public const string YoloV3Name = "yolov3.cfg";
    public const string Darknet53ClassifierName = "darknet53-classifier.cfg";

    /// <summary>YOLOv3 for the five common classes, 416×416.</summary>
    public static DarknetCfg YoloV3(ModelOverrides? overrides = null) => Load(YoloV3Name, overrides);

    /// <summary>Darknet-53 for backbone pre-training: YOLOv3's layers 0–74, then avgpool, connected, softmax.</summary>
    public static DarknetCfg Darknet53Classifier(ModelOverrides? overrides = null) => Load(Darknet53ClassifierName, overrides);

    public static DarknetCfg Load(string name, ModelOverrides? overrides = null)
    {
        using var stream = typeof(BuiltinCfgs).Assembly.GetManifestResourceStream($"Repro.Models.{name}")
                           ?? throw new FileNotFoundException($"no built-in cfg '{name}' (have {YoloV3Name}, {Darknet53ClassifierName})");
        using var reader = new StreamReader(stream);
        var cfg = CfgParser.Parse(reader.ReadToEnd(), $"experiments/models/{name}");
        return overrides is null ? cfg : cfg.With(overrides);
    }
}
