using Repro.Models.Darknet;

namespace Repro.Tests.Models;

public class CfgParserTests
{
    private const string Header = "[net]\nwidth=32\nheight=32\nchannels=3\n";

    private static DarknetCfgException Fails(string text) =>
        Assert.Throws<DarknetCfgException>(() => CfgParser.Parse(text, "bad.cfg"))!;

    [Test]
    public void ParsesDarknetSyntaxWithCommentsAndRelativeReferences()
    {
        var cfg = CfgParser.Parse(Header + """
            # a comment line
            [convolutional]
            batch_normalize=1
            filters = 16   ; trailing comment
            size=3
            stride=2
            pad=1
            activation=leaky

            [conv]
            filters=16
            size=1
            activation=linear

            [shortcut]
            from=-2
            activation=linear

            [route]
            layers=-1, 0
            """, "ok.cfg");
        Assert.That(cfg.LayerCount, Is.EqualTo(4));
        Assert.That(cfg.Layers[0], Is.EqualTo(new ConvolutionalSpec(6, 16, 3, 2, 1, true, Activation.Leaky)));
        Assert.That(cfg.Layers[1], Is.EqualTo(new ConvolutionalSpec(14, 16, 1, 1, 0, false, Activation.Linear)));
        Assert.That(((ShortcutSpec)cfg.Layers[2]).From, Is.EqualTo(0));
        Assert.That(((RouteSpec)cfg.Layers[3]).Layers, Is.EqualTo(new[] { 2, 0 }));
    }

    [Test]
    public void UnknownSectionNamesFileAndLine()
    {
        var e = Fails(Header + "[maxpool]\nsize=2\n");
        Assert.That(e.Message, Does.StartWith("bad.cfg:5:").And.Contain("[maxpool]"));
    }

    [Test]
    public void UnknownKeyNamesFileAndLine()
    {
        var e = Fails(Header + "[convolutional]\nfilters=8\nsize=3\nactivaton=leaky\n");
        Assert.That(e.Message, Does.StartWith("bad.cfg:8:").And.Contain("'activaton'"));
    }

    [Test]
    public void ReferenceToALaterOrMissingLayerNamesFileAndLine()
    {
        var conv = "[convolutional]\nfilters=8\nsize=1\nactivation=leaky\n";
        var route = Fails(Header + conv + conv + "[route]\nlayers=-1, 7\n");
        Assert.That(route.Message, Does.StartWith("bad.cfg:14:").And.Contain("layer 7"));
        var shortcut = Fails(Header + conv + "[shortcut]\nfrom=-3\n");
        Assert.That(shortcut.Message, Does.StartWith("bad.cfg:10:").And.Contain("layer -2"));
    }

    [Test]
    public void MissingRequiredKeyAndMalformedValueAreErrors()
    {
        Assert.That(Fails(Header + "[convolutional]\nsize=3\nactivation=leaky\n").Message, Does.StartWith("bad.cfg:5:").And.Contain("'filters'"));
        Assert.That(Fails(Header + "[convolutional]\nfilters=eight\n").Message, Does.StartWith("bad.cfg:6:").And.Contain("eight"));
        Assert.That(Fails(Header + "[convolutional]\nfilters=8\nactivation=mish\n").Message, Does.StartWith("bad.cfg:7:").And.Contain("mish"));
        Assert.That(Fails("[convolutional]\nfilters=8\n").Message, Does.StartWith("bad.cfg:1:").And.Contain("[net]"));
    }

    [Test]
    public void YoloMaskOutsideTheAnchorsIsAnError()
    {
        var e = Fails(Header + "[convolutional]\nfilters=18\nsize=1\nactivation=linear\n[yolo]\nmask=0,3\nanchors=1,2, 3,4\nclasses=4\n");
        Assert.That(e.Message, Does.StartWith("bad.cfg:10:").And.Contain("mask 3"));
    }

    [Test]
    public void ShapeInconsistencyIsAnErrorAtTheLayersLine()
    {
        // 3·(5 + 2) = 21 channels needed, the conv gives 20.
        var cfg = CfgParser.Parse(Header + "[convolutional]\nfilters=20\nsize=1\nactivation=linear\n[yolo]\nmask=0,1,2\nanchors=1,2, 3,4, 5,6\nclasses=2\n", "bad.cfg");
        var e = Assert.Throws<DarknetCfgException>(() => LayerShapes.Infer(cfg))!;
        Assert.That(e.Message, Does.StartWith("bad.cfg:9:").And.Contain("21"));
    }

    [Test]
    public void TheRepositoryCfgFileParsesAsTheEmbeddedOne()
    {
        var root = TestContext.CurrentContext.TestDirectory;
        while (!File.Exists(Path.Combine(root, "Repro.sln"))) root = Path.GetDirectoryName(root)!;
        foreach (var name in new[] { BuiltinCfgs.YoloV3Name, BuiltinCfgs.Darknet53ClassifierName })
        {
            var fromFile = CfgParser.ParseFile(Path.Combine(root, "experiments", "models", name));
            Assert.That(fromFile.Layers, Is.EqualTo(BuiltinCfgs.Load(name).Layers), name);
        }
    }
}
