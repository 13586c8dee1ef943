using Repro.Models.Darknet.Layers;
using Repro.Torch;
using Repro.Torch.NN;

namespace Repro.Models.Darknet;

/// <summary>
/// A network built from a darknet cfg, layers numbered as darknet numbers them, so "layer 62" here is layer 62 in
/// the paper. Parameters are named "{layer}.conv.weight", "{layer}.bn.running_mean", "{layer}.linear.bias", ….
/// Forward returns the raw outputs of the [yolo] layers in network order (82, 94, 106 for YOLOv3), decoded to boxes
/// and scores as well in eval mode; a cfg without [yolo] layers (the Darknet-53 classifier) returns its last layer
/// as the one raw output. In eval mode without gradients each conv layer runs as one <see cref="EvalConv"/> (batch
/// norm folded in, activation fused, oneDNN on the CPU): every layer's output equals the separate conv, batch norm
/// and activation's up to float rounding, and is channels-last in memory on the CPU.
/// </summary>
public sealed class DarknetNetwork : Module, IDetector
{
    private readonly List<DarknetLayer> layers = [];
    private readonly int[][] inputsOf;
    private readonly Dictionary<(int H, int W), IReadOnlyList<LayerShape>> shapesBySize = [];

    private DarknetNetwork(DarknetCfg cfg, long seed)
    {
        Cfg = cfg;
        Seed = seed;
        Shapes = LayerShapes.Infer(cfg);
        shapesBySize[(cfg.Height, cfg.Width)] = Shapes;
        inputsOf = Enumerable.Range(0, cfg.LayerCount).Select(i => cfg.Layers[i].Inputs(i).ToArray()).ToArray();

        // One generator, drawn in layer order: a seed fixes every initial weight, and models built from the same cfg
        // and seed start from the same head whatever backbone is loaded over them afterwards.
        using var generator = new Generator(seed);
        for (var i = 0; i < cfg.LayerCount; i++)
        {
            var input = Shapes[i].Input;
            DarknetLayer layer = cfg.Layers[i] switch
            {
                ConvolutionalSpec c => new ConvolutionalLayer(i, c, input.Channels, generator),
                ShortcutSpec s => new ShortcutLayer(i, s),
                RouteSpec r => new RouteLayer(i, r),
                UpsampleSpec u => new UpsampleLayer(i, u),
                YoloSpec y => new YoloLayer(i, y),
                AvgPoolSpec => new AvgPoolLayer(i),
                ConnectedSpec f => new ConnectedLayer(i, f, input.Elements, generator),
                SoftmaxSpec => new SoftmaxLayer(i),
                var other => throw new NotSupportedException($"{cfg.File}:{other.Line}: no module for [{other.Kind}]"),
            };
            layers.Add(RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        }
        Heads = layers.OfType<YoloLayer>()
            .Select(y => new YoloHeadSpec(y.Index, y.Spec.MaskedAnchors, y.Spec.Classes, y.Spec.IgnoreThreshold))
            .ToList();
    }

    /// <summary>Builds the network with every weight initialised from <paramref name="seed"/> (PyTorch's defaults:
    /// Kaiming-uniform conv kernels, γ = 1 and β = 0, running mean 0 and variance 1), then moves it to the device.</summary>
    public static DarknetNetwork Build(DarknetCfg cfg, long seed, Device? device = null)
    {
        var network = new DarknetNetwork(cfg, seed);
        if (device is { } d && d != Device.CPU) network.to(d);
        return network;
    }

    public DarknetCfg Cfg { get; }

    public long Seed { get; }

    /// <summary>Every layer's shapes, parameters and FLOPs at the cfg's input size.</summary>
    public IReadOnlyList<LayerShape> Shapes { get; }

    public int LayerCount => layers.Count;

    public Module Module => this;

    public IReadOnlyList<YoloHeadSpec> Heads { get; }

    public Device Device => parameters().First().device;

    internal IReadOnlyList<DarknetLayer> Layers => layers;

    /// <summary>The shapes at another input size; an incompatible size is an error naming the layer.</summary>
    public IReadOnlyList<LayerShape> ShapesAt(int height, int width)
    {
        lock (shapesBySize)
        {
            if (!shapesBySize.TryGetValue((height, width), out var shapes))
                shapesBySize[(height, width)] = shapes = LayerShapes.Infer(Cfg, height, width);
            return shapes;
        }
    }

    /// <summary>Model FLOPs per image at the given size (2 per multiply-add, convs and connected layers).</summary>
    public long FlopsPerImage(int height, int width) => ShapesAt(height, width).Sum(s => s.Flops);

    /// <summary>Freezes a range of layers: no gradients, batch norms in eval mode whatever train() says.</summary>
    public void Freeze(LayerRange range)
    {
        if (range.Last >= LayerCount) throw new ArgumentOutOfRangeException(nameof(range), range.ToString(), $"the network has layers 0–{LayerCount - 1}");
        foreach (var i in range.Indices) layers[i].freeze();
    }

    /// <summary>Whether the eval forward without gradients runs each conv layer as one <see cref="EvalConv"/> (on;
    /// off only to compare with the separate conv, batch norm and activation in tests).</summary>
    internal bool UsesEvalConvs
    {
        get => layers.OfType<ConvolutionalLayer>().All(c => c.UsesEvalConv);
        set
        {
            foreach (var c in layers.OfType<ConvolutionalLayer>()) c.UsesEvalConv = value;
        }
    }

    /// <summary>Layers whose modules are frozen.</summary>
    public IReadOnlyList<int> FrozenLayers => layers.Where(l => l.IsFrozen).Select(l => l.Index).ToList();

    public DetectorOutput Forward(Tensor images)
    {
        var outputs = Heads.Count > 0 ? Heads.Select(h => h.LayerIndex).ToArray() : [LayerCount - 1];
        var raw = Run(images, outputs, null, null);
        return DetectorOutput.Of(raw, Heads, checked((int)images.shape[3]), checked((int)images.shape[2]), decodable: !training);
    }

    /// <summary>The output of one layer (with gradients when enabled), running only the layers up to it — e.g. the
    /// classifier's logits before its softmax.</summary>
    public Tensor ForwardTo(Tensor images, int layer)
    {
        if (layer < 0 || layer >= LayerCount) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the network has layers 0–{LayerCount - 1}");
        return Run(images, [layer], null, null)[0];
    }

    public void ForwardLayers(Tensor images, Action<int, Tensor> onLayer, IReadOnlySet<int>? wanted = null)
    {
        var wasTraining = training;
        eval();
        try
        {
            using var _ = torch.no_grad();
            Run(images, [], onLayer, wanted);
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>
    /// The memory layout every layer runs in on the CPU; it follows the input through conv, batch norm, activation,
    /// route, shortcut and upsample. Channels-last by default: oneDNN's convolutions and their backward run without
    /// reorders, batch norm and leaky ReLU run fused in training, and the eval conv wants it anyway (a smoke-size
    /// training step 1.09× faster than NCHW before the fusion, best of three alternated runs; PyTorch gains 1.15× the
    /// same way). On a GPU the network runs NCHW, libtorch's default there (channels-last was never measured on one). The values do not depend on the layout
    /// beyond float rounding; readers that need one (views, spans) ask for it. Set only to compare the two in tests.
    /// </summary>
    internal MemoryFormat CpuLayout { get; set; } = MemoryFormat.ChannelsLast;

    /// <summary>
    /// One pass: each output is released as soon as no later layer reads it (the analysis at 416 px would not fit
    /// otherwise); the outputs of <paramref name="keep"/> are returned to the caller, who owns them. No dispose
    /// scope is opened here, so tensors the callback creates belong to the caller's scope.
    /// </summary>
    private List<Tensor> Run(Tensor images, int[] keep, Action<int, Tensor>? onLayer, IReadOnlySet<int>? wanted)
    {
        CheckInput(images);
        // Nothing after the last layer anyone reads is computed: the analysis' Gram passes that hold early, wide layers
        // then cost a fraction of a forward.
        var last = keep.Length > 0 ? keep.Max() : LayerCount - 1;
        if (onLayer is not null)
        {
            var lastWanted = wanted is { Count: > 0 } ? Math.Min(wanted.Max(), LayerCount - 1) : LayerCount - 1;
            last = keep.Length > 0 ? Math.Max(keep.Max(), lastWanted) : lastWanted;
        }
        var lastUse = new int[last + 1];
        for (var i = 0; i <= last; i++)
        {
            lastUse[i] = Math.Max(lastUse[i], i);
            foreach (var j in inputsOf[i])
                if (j >= 0) lastUse[j] = Math.Max(lastUse[j], i);
        }
        var kept = new HashSet<int>(keep);
        var outputs = new Tensor?[last + 1];
        using var input = images.contiguous(images.device.Type == DeviceType.CPU ? CpuLayout : MemoryFormat.Contiguous);
        try
        {
            for (var i = 0; i <= last; i++)
            {
                var readsPrevious = Array.IndexOf(inputsOf[i], i - 1) >= 0;
                var previous = !readsPrevious ? null : i == 0 ? input : outputs[i - 1];
                outputs[i] = layers[i].Forward(previous, outputs);
                if (onLayer is not null && (wanted is null || wanted.Contains(i))) onLayer(i, outputs[i]!);
                foreach (var j in inputsOf[i].Append(i))
                    if (j >= 0 && lastUse[j] <= i && !kept.Contains(j))
                    {
                        outputs[j]?.Dispose();
                        outputs[j] = null;
                    }
            }
            var result = keep.Select(k => outputs[k]!).ToList();
            foreach (var k in keep) outputs[k] = null;
            return result;
        }
        finally
        {
            foreach (var t in outputs) t?.Dispose();
        }
    }

    private void CheckInput(Tensor images)
    {
        var shape = images.shape;
        if (shape.Length != 4 || shape[1] != Cfg.Channels)
            throw new ArgumentException($"{Cfg.File}: expected images N × {Cfg.Channels} × H × W, got [{string.Join(", ", shape)}]", nameof(images));
        ShapesAt(checked((int)shape[2]), checked((int)shape[3]));
    }
}
