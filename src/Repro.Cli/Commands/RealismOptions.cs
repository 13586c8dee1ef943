using System.CommandLine;
using Repro.Data.Generation;

namespace Repro.Cli.Commands;

/// <summary>The realism knobs of <c>repro data generate</c>: an overall level and one strength per camera effect.</summary>
internal sealed class RealismOptions
{
    private readonly Option<double?> level = new("--realism") { Description = "overall realism 0..1 (default: 1 for real, 0 for synthetic)" };
    private readonly Dictionary<string, Option<double>> effects = new();

    private static readonly string[] Effects = ["noise", "blur", "jpeg", "exposure", "white-balance", "vignetting", "desaturation", "night", "rain"];

    public static RealismOptions Create()
    {
        var o = new RealismOptions();
        foreach (var e in Effects)
            o.effects[e] = new Option<double>($"--{e}") { Description = $"strength of {e} 0..1, scaled by --realism", DefaultValueFactory = _ => 1.0 };
        return o;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(level);
        foreach (var e in effects.Values) command.Options.Add(e);
    }

    public Realism Read(ParseResult parse, Domain domain)
    {
        double V(string name) => parse.GetValue(effects[name]);
        return Realism.For(domain) with
        {
            Level = parse.GetValue(level) ?? Realism.For(domain).Level,
            Noise = V("noise"),
            Blur = V("blur"),
            Jpeg = V("jpeg"),
            Exposure = V("exposure"),
            WhiteBalance = V("white-balance"),
            Vignetting = V("vignetting"),
            Desaturation = V("desaturation"),
            Night = V("night"),
            Rain = V("rain"),
        };
    }
}
