using Repro.Models;
using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Tests.Similarity;

/// <summary>
/// A real five-layer convolutional network for capture tests, numbered as layer analysis expects:
/// 0 conv 3→4 3×3 + BN + leaky; 1 conv 4→6 3×3 stride 2 + BN + leaky; 2 conv 6→6 1×1 + BN + leaky;
/// 3 shortcut (1 + 2); 4 linear conv 6→8 3×3 stride 2 with bias. Batch-norm statistics are randomised so eval
/// mode is not the identity.
/// </summary>
internal sealed class SmallLayerwiseNetwork : Module, ILayerwiseNetwork
{
    private readonly Conv2d conv0, conv1, conv2, conv4;
    private readonly BatchNorm2d bn0, bn1, bn2;

    public SmallLayerwiseNetwork(long seed)
    {
        using var generator = new Generator(seed);
        conv0 = RegisterModule("conv0", new Conv2d(3, 4, 3, 1, 1, bias: false, generator));
        bn0 = RegisterModule("bn0", new BatchNorm2d(4));
        conv1 = RegisterModule("conv1", new Conv2d(4, 6, 3, 2, 1, bias: false, generator));
        bn1 = RegisterModule("bn1", new BatchNorm2d(6));
        conv2 = RegisterModule("conv2", new Conv2d(6, 6, 1, 1, 0, bias: false, generator));
        bn2 = RegisterModule("bn2", new BatchNorm2d(6));
        conv4 = RegisterModule("conv4", new Conv2d(6, 8, 3, 2, 1, bias: true, generator));
        using (torch.no_grad())
            foreach (var bn in new[] { bn0, bn1, bn2 })
            {
                using var scope = torch.NewDisposeScope();
                bn.RunningMean.copy_(torch.randn([bn.Channels], generator) * 0.2);
                bn.RunningVar.copy_(torch.rand([bn.Channels], generator) + 0.5);
                bn.Weight.copy_(torch.rand([bn.Channels], generator) + 0.5);
                bn.Bias.copy_(torch.randn([bn.Channels], generator) * 0.1);
            }
        eval();
    }

    public int LayerCount => 5;

    public void ForwardLayers(Tensor images, Action<int, Tensor> onLayer, IReadOnlySet<int>? wanted = null)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        void Report(int layer, Tensor output)
        {
            if (wanted is null || wanted.Contains(layer)) onLayer(layer, output);
        }
        var x0 = functional.leaky_relu(bn0.forward(conv0.forward(images)), 0.1);
        Report(0, x0);
        var x1 = functional.leaky_relu(bn1.forward(conv1.forward(x0)), 0.1);
        Report(1, x1);
        var x2 = functional.leaky_relu(bn2.forward(conv2.forward(x1)), 0.1);
        Report(2, x2);
        var x3 = x1 + x2;
        Report(3, x3);
        Report(4, conv4.forward(x3));
    }
}
