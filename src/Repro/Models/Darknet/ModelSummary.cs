namespace Repro.Models.Darknet;

/// <summary>One row of <c>repro model summary</c>: a layer as darknet prints it, plus where it sits in the study.</summary>
public sealed record ModelSummaryRow(int Index, string Type, int? Filters, string KernelStride, string InputLayers,
    string OutputShape, long Parameters, double MegaFlops, string Part);

/// <summary>The per-layer table of a cfg and its totals; the backbone is YOLOv3's Darknet-53, layers 0–74.</summary>
public sealed record ModelSummary(DarknetCfg Cfg, IReadOnlyList<ModelSummaryRow> Rows)
{
    public long TotalParameters => Rows.Sum(r => r.Parameters);
    public long BackboneParameters => Rows.Where(r => r.Part == "backbone").Sum(r => r.Parameters);
    public long HeadParameters => TotalParameters - BackboneParameters;
    public double GigaFlops => Rows.Sum(r => r.MegaFlops) / 1000;

    public static ModelSummary Of(DarknetCfg cfg) =>
        new(cfg, LayerShapes.Infer(cfg).Select(s => new ModelSummaryRow(
            s.Index,
            s.Spec is ConvolutionalSpec ? "conv" : s.Spec.Kind,
            s.Spec switch { ConvolutionalSpec c => c.Filters, ConnectedSpec f => f.Output, _ => null },
            s.Spec switch
            {
                ConvolutionalSpec c => $"{c.Size}×{c.Size}/{c.Stride}",
                UpsampleSpec u => $"×{u.Stride}",
                _ => "",
            },
            s.Index == 0 ? "image" : string.Join(", ", s.InputLayers),
            s.Output.ToString(),
            s.ParameterCount,
            s.Flops / 1e6,
            LayerRange.Backbone.Contains(s.Index) ? "backbone" : "head")).ToList());
}
