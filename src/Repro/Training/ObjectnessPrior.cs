using Repro.Models;
using Repro.Torch;

namespace Repro.Training;

/// <summary>
/// Starts every predictor's objectness at a small probability instead of ½, by the bias of the linear conv before
/// each [yolo] layer (RetinaNet's prior initialisation, used by most YOLO trainers since). With ½, the thousand-odd
/// predictors of an image, nearly all background, make the first epochs of training little more than pushing
/// objectness down (a loss near 0.69 per predictor); with a prior of 1 %, learning starts on the objects. The paper
/// does not say its head was initialised this way, so only profiles that ask for it get it.
/// </summary>
public static class ObjectnessPrior
{
    /// <summary>Sets the objectness bias of every anchor of every head to logit(<paramref name="probability"/>).</summary>
    public static void Apply(IDetector detector, double probability)
    {
        if (!(probability > 0 && probability < 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability in (0, 1)");
        var parameters = detector.Module.named_parameters().ToDictionary(p => p.Name, p => p.Parameter);
        var logit = Math.Log(probability / (1 - probability));
        foreach (var head in detector.Heads)
        {
            var name = $"{head.LayerIndex - 1}.conv.bias";
            if (!parameters.TryGetValue(name, out var bias))
                throw new InvalidOperationException($"head at layer {head.LayerIndex}: no output conv bias '{name}' to set the objectness prior on");
            var perAnchor = 5 + head.Classes;
            if (bias.shape[0] != head.Anchors.Count * perAnchor)
                throw new InvalidOperationException($"{name} has {bias.shape[0]} values, {head.Anchors.Count} anchors × (5 + {head.Classes}) expected");
            using var _ = torch.no_grad();
            for (var a = 0; a < head.Anchors.Count; a++)
            {
                using var objectness = bias.narrow(0, a * perAnchor + 4, 1);
                objectness.fill_(logit);
            }
        }
    }
}
