namespace Repro.Data.Generation;

/// <summary>
/// Samples and draws one street scene: a pinhole camera over a straight road, sky, road with lane markings,
/// sidewalks, building facades along both sides, poles, signs and trees, and vehicles, pedestrians and cycles on the
/// ground plane, each scaled by its depth and painted far to near so nearer things occlude farther ones.
/// The domain sets what appears and how often; <see cref="Realism"/> sets colours and the camera effects.
/// </summary>
internal sealed class StreetScene
{
    private const double CameraHeight = 1.5;
    private const double LaneWidth = 3.5;

    private readonly Domain domain;
    private readonly DepthRange depths;
    private readonly DeterministicRandom rng;
    private readonly Canvas canvas;
    private readonly double saturation;
    private readonly double horizon, centreX, focal, roadHalf, sidewalk;
    private readonly List<SceneObject> objects = [];
    private int nextInstance = 2; // 1 is the ego hood

    private StreetScene(Domain domain, Realism realism, DepthRange depths, DeterministicRandom rng, int width, int height)
    {
        this.domain = domain;
        this.depths = depths;
        this.rng = rng;
        canvas = new Canvas(width, height);
        // Game renders: saturated palette and pronounced shading; photographs: muted colours, flat overcast light.
        var desaturation = realism.Effective(realism.Desaturation);
        saturation = 1.35 - 0.8 * desaturation;
        canvas.Shading = 0.35 - 0.2 * desaturation;
        horizon = height * rng.Uniform(0.40, 0.50);
        centreX = width * (0.5 + rng.Uniform(-0.06, 0.06));
        focal = width * rng.Uniform(0.7, 0.9);
        var lanes = rng.Chance(0.5) ? 2 : 4;
        roadHalf = lanes / 2.0 * LaneWidth;
        sidewalk = rng.Uniform(2.0, 4.5);
    }

    /// <summary>Renders scene <paramref name="index"/> of a seeded set: same arguments, same bytes.</summary>
    /// <summary>
    /// Objects hidden behind nearer ones beyond this fraction of their pixels are not labelled, as annotators leave
    /// out what they can barely see: a person whose head alone shows over a car roof is a 2 px box nobody can detect.
    /// </summary>
    public const double MinVisibleFraction = 0.25;

    public static RenderedScene Render(Domain domain, Realism realism, long seed, long index, int width, int height, ObjectKind? focus = null,
        DepthRange? depths = null)
    {
        var sceneRng = new DeterministicRandom(seed, index, purpose: domain == Domain.Real ? 0x5CE1 : 0x5CE2);
        var scene = new StreetScene(domain, realism, depths ?? DepthRange.For(domain), sceneRng, width, height);
        scene.Populate(focus);
        scene.Draw();
        var effectsRng = new DeterministicRandom(seed, index, purpose: 0xEFF);
        var look = CameraEffects.Apply(scene.canvas, realism, effectsRng);
        var extents = scene.canvas.VisibleExtents(scene.nextInstance);
        var visible = new Dictionary<int, (int, int, int, int, int)>();
        for (var id = 1; id < extents.Length; id++)
            if (extents[id].Pixels > 0 && extents[id].Pixels >= MinVisibleFraction * scene.canvas.DrawnPixels(id)) visible[id] = extents[id];
        return new RenderedScene(width, height, CameraEffects.Quantize(scene.canvas), scene.canvas, scene.objects, visible, look.Night, look.Rain, look.JpegQuality);
    }

    // ---- content ---------------------------------------------------------------------------------------------

    private static readonly ObjectKind[] RoadUsers =
        [ObjectKind.Car, ObjectKind.Van, ObjectKind.Truck, ObjectKind.Trailer, ObjectKind.Bus, ObjectKind.Person, ObjectKind.Bicycle, ObjectKind.Motorcycle];

    // Class mix per domain, in RoadUsers order: dashcam streets are mostly cars; the game has more pedestrians,
    // vans, heavy vehicles and bikes, and BDD100K has no van or trailer category in its detection set.
    private static readonly double[] RealMix = [0.62, 0, 0.075, 0, 0.03, 0.2, 0.045, 0.03];
    private static readonly double[] SyntheticMix = [0.34, 0.12, 0.07, 0.03, 0.06, 0.28, 0.05, 0.05];

    private Rgb Look(Rgb c) => c.Saturate(saturation);

    private void Populate(ObjectKind? focus)
    {
        var real = domain == Domain.Real;
        PlaceStreetFurniture();
        var count = real ? rng.NextInt(3, 14) : rng.NextInt(3, 10);
        var (zNear, zFar) = (depths.Near, depths.Far);
        if (focus is { } focused) AddRoadUser(focused, rng.Uniform(5, 8));
        for (var i = 0; i < count; i++)
        {
            var kind = RoadUsers[rng.Pick(real ? RealMix : SyntheticMix)];
            AddRoadUser(kind, Math.Exp(rng.Uniform(Math.Log(zNear), Math.Log(zFar))));
        }
        if (!real)
        {
            // VIPER labels every instance, however far: a few objects that the < 100 px² filter must remove.
            var tiny = rng.NextInt(1, 4);
            for (var i = 0; i < tiny; i++) AddRoadUser(rng.Chance(0.6) ? ObjectKind.Car : ObjectKind.Person, rng.Uniform(160, 350));
        }
    }

    private void PlaceStreetFurniture()
    {
        foreach (var side in new[] { -1, 1 })
        {
            for (var z = rng.Uniform(4, 20); z < 120; z += rng.Uniform(14, 32))
            {
                var pole = Add(ObjectKind.Pole, side * (roadHalf + 0.35), z, 0.16, rng.Uniform(5, 7), false, Rgb.Gray(0.35f), Rgb.Gray(0.3f));
                if (rng.Chance(0.4))
                {
                    var colour = rng.Chance(0.5) ? new Rgb(0.85f, 0.1f, 0.1f) : new Rgb(0.1f, 0.3f, 0.8f);
                    objects.Add(new SceneObject(ObjectKind.TrafficSign, nextInstance++, pole.X, z - 0.05, 0.65, 0.65, false, Look(colour), Rgb.Gray(0.95f))
                    { Elevation = rng.Uniform(2.2, 3.0) });
                }
            }
            for (var z = rng.Uniform(6, 25); z < 100; z += rng.Uniform(12, 40))
                if (rng.Chance(0.7))
                    Add(ObjectKind.Tree, side * (roadHalf + sidewalk - 0.7), z, rng.Uniform(2.2, 3.5), rng.Uniform(4.5, 7.5), false,
                        Look(new Rgb(0.2f, (float)rng.Uniform(0.4, 0.55), 0.15f)), new Rgb(0.35f, 0.25f, 0.15f));
        }
    }

    private SceneObject Add(ObjectKind kind, double x, double z, double widthM, double heightM, bool side, Rgb colour, Rgb accent, double elevation = 0)
    {
        var o = new SceneObject(kind, nextInstance++, x, z, widthM, heightM, side, colour, accent) { Elevation = elevation };
        objects.Add(o);
        return o;
    }

    private Rgb VehicleColour()
    {
        // Real traffic is mostly white, black and grey; the game's palette is loud.
        Rgb[] achromatic = [Rgb.Gray(0.88f), Rgb.Gray(0.08f), Rgb.Gray(0.55f), Rgb.Gray(0.35f)];
        Rgb[] chromatic =
        [
            new(0.8f, 0.1f, 0.1f), new(0.1f, 0.25f, 0.75f), new(0.95f, 0.8f, 0.1f), new(0.1f, 0.6f, 0.25f),
            new(0.9f, 0.45f, 0.05f), new(0.5f, 0.15f, 0.6f), new(0.1f, 0.65f, 0.75f),
        ];
        var pAchromatic = domain == Domain.Real ? 0.7 : 0.3;
        return Look(rng.Chance(pAchromatic) ? achromatic[rng.NextInt(achromatic.Length)] : chromatic[rng.NextInt(chromatic.Length)]);
    }

    /// <summary>
    /// Moves a road user sideways, at its depth, until the camera sees it whole: near the camera the view is only a
    /// few metres wide, and a pedestrian on the sidewalk 3 m ahead is outside it. Without this, the near end of the
    /// depth range would hold only the vehicles in the ego lane, and most pedestrians and cycles would be drawn
    /// off-frame, leaving the small profiles a handful of them to learn from.
    /// </summary>
    private double InView(double x, double z, double widthM)
    {
        var left = -centreX * z / focal + widthM / 2;
        var right = (canvas.Width - centreX) * z / focal - widthM / 2;
        return left <= right ? Math.Clamp(x, left, right) : (left + right) / 2;
    }

    private void AddRoadUser(ObjectKind kind, double z)
    {
        var side = rng.Chance(0.5) ? -1 : 1;
        var laneCentre = side * (rng.NextInt((int)(roadHalf / LaneWidth)) + 0.5) * LaneWidth + rng.Uniform(-0.3, 0.3);
        switch (kind)
        {
            case ObjectKind.Car:
            {
                var sideView = rng.Chance(0.15);
                var x = rng.Chance(0.25) ? side * (roadHalf - 1.1) : laneCentre;
                var width = sideView ? rng.Uniform(4.0, 4.6) : rng.Uniform(1.7, 1.9);
                Add(kind, InView(x, z, width), z, width, rng.Uniform(1.4, 1.6), sideView, VehicleColour(), new Rgb(0.75f, 0.05f, 0.05f));
                break;
            }
            case ObjectKind.Van:
            {
                var width = rng.Uniform(1.9, 2.1);
                Add(kind, InView(laneCentre, z, width), z, width, rng.Uniform(2.0, 2.4), false, VehicleColour(), new Rgb(0.75f, 0.05f, 0.05f));
                break;
            }
            case ObjectKind.Truck:
            case ObjectKind.Trailer:
            {
                var body = kind == ObjectKind.Truck ? Look(rng.Chance(0.5) ? Rgb.Gray(0.85f) : new Rgb(0.2f, 0.35f, 0.6f)) : Look(new Rgb(0.7f, 0.6f, 0.45f));
                Add(kind, InView(laneCentre, z, 2.5), z, 2.5, rng.Uniform(3.2, 3.8), false, body, Rgb.Gray(0.1f));
                break;
            }
            case ObjectKind.Bus:
            {
                var sideView = rng.Chance(0.3);
                var body = Look(rng.Chance(0.5) ? new Rgb(0.9f, 0.75f, 0.1f) : new Rgb(0.15f, 0.4f, 0.75f));
                var width = sideView ? rng.Uniform(10, 12) : 2.55;
                Add(kind, InView(laneCentre, z, width), z, width, rng.Uniform(3.0, 3.3), sideView, body, Rgb.Gray(0.12f));
                break;
            }
            case ObjectKind.Person:
            {
                var crossing = rng.Chance(0.15);
                var x = crossing ? rng.Uniform(-roadHalf, roadHalf) : side * (roadHalf + rng.Uniform(0.4, sidewalk - 0.4));
                Add(kind, InView(x, z, 0.5), z, 0.5, rng.Uniform(1.55, 1.9), false, ClothingColour(), SkinColour());
                break;
            }
            default: // bicycle, motorcycle: ridden along the road edge (rear view) or crossing / parked (side view)
            {
                var sideView = rng.Chance(0.5);
                var motor = kind == ObjectKind.Motorcycle;
                var width = sideView ? (motor ? 2.0 : 1.7) : (motor ? 0.8 : 0.6);
                var x = InView(side * (roadHalf - 0.8), z, width);
                var height = motor ? 1.15 : 1.05;
                var frame = motor ? Look(Rgb.Gray(0.15f)) : VehicleColour();
                var cycle = Add(kind, x, z, width, height, sideView, frame, Rgb.Gray(0.05f));
                if (rng.Chance(0.75))
                    Add(ObjectKind.Rider, x, z - 0.05, 0.5, rng.Uniform(1.35, 1.5), false, ClothingColour(), SkinColour(), elevation: 0.45 * cycle.HeightM);
                break;
            }
        }
    }

    private Rgb ClothingColour()
    {
        Rgb[] palette = [new(0.1f, 0.1f, 0.12f), new(0.2f, 0.25f, 0.5f), new(0.7f, 0.1f, 0.15f), new(0.85f, 0.85f, 0.8f), new(0.15f, 0.5f, 0.3f), new(0.9f, 0.6f, 0.1f)];
        return Look(palette[rng.NextInt(palette.Length)]);
    }

    private Rgb SkinColour()
    {
        Rgb[] palette = [new(0.93f, 0.76f, 0.62f), new(0.72f, 0.52f, 0.38f), new(0.45f, 0.3f, 0.2f)];
        return palette[rng.NextInt(palette.Length)];
    }

    // ---- drawing ---------------------------------------------------------------------------------------------

    private double U(double x, double z) => centreX + focal * x / z;

    private double V(double heightAboveGround, double z) => horizon + focal * (CameraHeight - heightAboveGround) / z;

    private void Draw()
    {
        DrawSkyAndGround();
        DrawFacades();
        foreach (var o in objects.OrderByDescending(o => o.Z).ThenBy(o => o.Instance)) DrawObject(o);
        var hoodChance = domain == Domain.Real ? 0.4 : 0.8;
        if (rng.Chance(hoodChance)) DrawHood();
    }

    private void DrawSkyAndGround()
    {
        var skyTop = Look(new Rgb(0.25f, 0.5f, 0.9f));
        var skyLow = Look(new Rgb(0.75f, 0.85f, 0.95f));
        var asphalt = Look(new Rgb(0.3f, 0.3f, 0.33f));
        var pavement = Look(new Rgb(0.62f, 0.6f, 0.57f));
        var curb = Look(Rgb.Gray(0.45f));
        var terrain = Look(new Rgb(0.35f, 0.45f, 0.2f));
        var marking = Look(Rgb.Gray(0.92f));
        var centreLine = Look(new Rgb(0.95f, 0.8f, 0.2f));
        for (var y = 0; y < canvas.Height; y++)
        {
            var v = y + 0.5;
            if (v <= horizon)
            {
                var c = Rgb.Lerp(skyTop, skyLow, Math.Clamp(v / horizon, 0, 1));
                for (var x = 0; x < canvas.Width; x++) canvas.Set(x, y, c, 0, Surface.Sky);
                continue;
            }
            var z = focal * CameraHeight / (v - horizon);
            for (var x = 0; x < canvas.Width; x++)
            {
                var lateral = (x + 0.5 - centreX) * z / focal;
                var a = Math.Abs(lateral);
                if (a < roadHalf)
                {
                    var isCentre = a < 0.08 * (roadHalf / LaneWidth);
                    var laneEdge = Math.Abs(a - LaneWidth) < 0.07 && roadHalf > LaneWidth && (z / 9.0 - Math.Floor(z / 9.0)) < 0.4;
                    var c = isCentre ? centreLine : laneEdge ? marking : asphalt;
                    canvas.Set(x, y, c, 0, Surface.Road);
                }
                else if (a < roadHalf + sidewalk)
                    canvas.Set(x, y, a < roadHalf + 0.15 ? curb : pavement, 0, Surface.Sidewalk);
                else
                    canvas.Set(x, y, terrain, 0, Surface.Terrain);
            }
        }
    }

    private void DrawFacades()
    {
        var facadeX = roadHalf + sidewalk;
        foreach (var side in new[] { -1, 1 })
        {
            // Blocks along the street: [start, end) in depth, height, colour; gaps are side streets.
            var blocks = new List<(double Start, double End, double Height, Rgb Colour)>();
            Rgb[] palette = [new(0.75f, 0.65f, 0.5f), new(0.6f, 0.35f, 0.3f), new(0.8f, 0.8f, 0.78f), new(0.45f, 0.45f, 0.5f), new(0.85f, 0.75f, 0.55f), new(0.4f, 0.5f, 0.6f)];
            for (var z = 2.0; z < 300;)
            {
                var length = rng.Uniform(8, 30);
                if (rng.Chance(0.12)) { z += rng.Uniform(6, 15); continue; }
                blocks.Add((z, z + length, rng.Uniform(6, 28), Look(palette[rng.NextInt(palette.Length)])));
                z += length;
            }
            var glass = Look(new Rgb(0.15f, 0.2f, 0.3f));
            for (var x = 0; x < canvas.Width; x++)
            {
                var du = x + 0.5 - centreX;
                if (du * side <= 0) continue;
                var z = focal * facadeX / Math.Abs(du);
                var block = blocks.FindIndex(b => z >= b.Start && z < b.End);
                if (block < 0) continue;
                var (start, _, height, colour) = blocks[block];
                var top = V(height, z);
                var bottom = V(0, z);
                var along = z - start;
                var windowColumn = along / 2.5 - Math.Floor(along / 2.5) is > 0.3 and < 0.7;
                for (var y = Math.Max(0, (int)Math.Ceiling(top - 0.5)); y < Math.Min(canvas.Height, (int)Math.Ceiling(bottom - 0.5)); y++)
                {
                    var h = CameraHeight - (y + 0.5 - horizon) * z / focal;
                    var window = windowColumn && h > 2.5 && (h / 3.0 - Math.Floor(h / 3.0)) is > 0.35 and < 0.75;
                    var shade = canvas.Shading * (h / height - 0.5) * 0.5;
                    canvas.Set(x, y, window ? glass : colour.Scale(1 + shade), 0, Surface.Building);
                }
            }
        }
    }

    private void DrawObject(SceneObject o)
    {
        var z = o.Z;
        var u = U(o.X, z);
        var w = focal * o.WidthM / z;
        var h = focal * o.HeightM / z;
        var bottom = V(o.Elevation, z);
        var top = bottom - h;
        var l = u - w / 2;
        var r = u + w / 2;
        var id = o.Instance;
        var black = Rgb.Gray(0.06f);
        switch (o.Kind)
        {
            case ObjectKind.Pole:
                canvas.FillRect(u - Math.Max(w, 1) / 2, top, u + Math.Max(w, 1) / 2, bottom, o.Color, id, Surface.Pole);
                break;
            case ObjectKind.TrafficSign:
                canvas.FillEllipse(u, bottom - h / 2, w / 2, h / 2, o.Accent, id, Surface.Sign);
                canvas.FillEllipse(u, bottom - h / 2, w / 2 * 0.8, h / 2 * 0.8, o.Color, id, Surface.Sign);
                break;
            case ObjectKind.Tree:
                canvas.FillRect(u - Math.Max(w * 0.08, 0.5), bottom - h * 0.45, u + Math.Max(w * 0.08, 0.5), bottom, o.Accent, id, Surface.Vegetation);
                canvas.FillEllipse(u, bottom - h * 0.65, w / 2, h * 0.35, o.Color, id, Surface.Vegetation);
                break;
            case ObjectKind.Car when o.SideView:
                canvas.FillRect(l, bottom - 0.65 * h, r, bottom - 0.15 * h, o.Color, id, Surface.Object);
                canvas.FillTrapezoid(top, l + 0.3 * w, r - 0.25 * w, bottom - 0.62 * h, l + 0.18 * w, r - 0.1 * w, o.Color, id, Surface.Object);
                canvas.FillTrapezoid(top + 0.08 * h, l + 0.32 * w, r - 0.28 * w, bottom - 0.64 * h, l + 0.22 * w, r - 0.14 * w, Look(new Rgb(0.2f, 0.25f, 0.35f)), id, Surface.Object);
                canvas.FillEllipse(l + 0.2 * w, bottom - 0.16 * h, 0.16 * h, 0.16 * h, black, id, Surface.Object);
                canvas.FillEllipse(r - 0.2 * w, bottom - 0.16 * h, 0.16 * h, 0.16 * h, black, id, Surface.Object);
                break;
            case ObjectKind.Car:
                canvas.FillRect(l + 0.04 * w, bottom - 0.18 * h, l + 0.22 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(r - 0.22 * w, bottom - 0.18 * h, r - 0.04 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(l, bottom - 0.62 * h, r, bottom - 0.1 * h, o.Color, id, Surface.Object);
                canvas.FillTrapezoid(top, l + 0.18 * w, r - 0.18 * w, bottom - 0.62 * h, l + 0.06 * w, r - 0.06 * w, o.Color, id, Surface.Object);
                canvas.FillTrapezoid(top + 0.07 * h, l + 0.24 * w, r - 0.24 * w, bottom - 0.66 * h, l + 0.12 * w, r - 0.12 * w, Look(new Rgb(0.2f, 0.25f, 0.35f)), id, Surface.Object);
                DrawRearDetails(l, r, bottom, h, o);
                break;
            case ObjectKind.Van:
                canvas.FillRect(l + 0.04 * w, bottom - 0.12 * h, l + 0.2 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(r - 0.2 * w, bottom - 0.12 * h, r - 0.04 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(l, top, r, bottom - 0.08 * h, o.Color, id, Surface.Object);
                canvas.FillRect(l + 0.08 * w, top + 0.1 * h, u - 0.03 * w, top + 0.38 * h, Look(new Rgb(0.2f, 0.25f, 0.35f)), id, Surface.Object);
                canvas.FillRect(u + 0.03 * w, top + 0.1 * h, r - 0.08 * w, top + 0.38 * h, Look(new Rgb(0.2f, 0.25f, 0.35f)), id, Surface.Object);
                DrawRearDetails(l, r, bottom, h * 0.8, o);
                break;
            case ObjectKind.Truck:
            case ObjectKind.Trailer:
                canvas.FillRect(l + 0.03 * w, bottom - 0.14 * h, l + 0.3 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(r - 0.3 * w, bottom - 0.14 * h, r - 0.03 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(l, top, r, bottom - 0.16 * h, o.Color, id, Surface.Object);
                canvas.FillRect(l + 0.04 * w, bottom - 0.18 * h, r - 0.04 * w, bottom - 0.1 * h, o.Accent, id, Surface.Object);
                canvas.FillRect(u - Math.Max(0.01 * w, 0.3), top + 0.04 * h, u + Math.Max(0.01 * w, 0.3), bottom - 0.2 * h, o.Color.Scale(0.6), id, Surface.Object);
                if (o.Kind == ObjectKind.Trailer)
                    for (var k = 1; k < 5; k++)
                        canvas.FillRect(l, top + k * 0.16 * h, r, top + k * 0.16 * h + Math.Max(0.02 * h, 0.4), o.Color.Scale(0.75), id, Surface.Object);
                canvas.FillRect(l + 0.04 * w, bottom - 0.3 * h, l + 0.14 * w, bottom - 0.24 * h, new Rgb(0.8f, 0.05f, 0.05f), id, Surface.Object);
                canvas.FillRect(r - 0.14 * w, bottom - 0.3 * h, r - 0.04 * w, bottom - 0.24 * h, new Rgb(0.8f, 0.05f, 0.05f), id, Surface.Object);
                break;
            case ObjectKind.Bus when o.SideView:
                canvas.FillRect(l, top, r, bottom - 0.1 * h, o.Color, id, Surface.Object);
                for (var k = 0; k < 7; k++)
                {
                    var wx = l + (0.04 + k * 0.135) * w;
                    canvas.FillRect(wx, top + 0.15 * h, wx + 0.11 * w, top + 0.5 * h, Look(new Rgb(0.2f, 0.25f, 0.35f)), id, Surface.Object);
                }
                canvas.FillEllipse(l + 0.15 * w, bottom - 0.12 * h, 0.12 * h, 0.12 * h, black, id, Surface.Object);
                canvas.FillEllipse(r - 0.15 * w, bottom - 0.12 * h, 0.12 * h, 0.12 * h, black, id, Surface.Object);
                break;
            case ObjectKind.Bus:
                canvas.FillRect(l + 0.05 * w, bottom - 0.1 * h, l + 0.25 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(r - 0.25 * w, bottom - 0.1 * h, r - 0.05 * w, bottom, black, id, Surface.Object);
                canvas.FillRect(l, top, r, bottom - 0.08 * h, o.Color, id, Surface.Object);
                canvas.FillRect(l + 0.1 * w, top + 0.1 * h, r - 0.1 * w, top + 0.42 * h, Look(new Rgb(0.2f, 0.25f, 0.35f)), id, Surface.Object);
                canvas.FillRect(l + 0.2 * w, top + 0.02 * h, r - 0.2 * w, top + 0.08 * h, new Rgb(1f, 0.6f, 0.1f), id, Surface.Object);
                DrawRearDetails(l, r, bottom, h * 0.6, o);
                break;
            case ObjectKind.Person:
            case ObjectKind.Rider:
                DrawPerson(o, u, w, h, bottom);
                break;
            case ObjectKind.Bicycle:
            case ObjectKind.Motorcycle:
                DrawCycle(o, u, l, r, w, h, bottom);
                break;
        }
    }

    private void DrawRearDetails(double l, double r, double bottom, double h, SceneObject o)
    {
        var w = r - l;
        canvas.FillRect(l + 0.03 * w, bottom - 0.52 * h, l + 0.17 * w, bottom - 0.4 * h, o.Accent, o.Instance, Surface.Object);
        canvas.FillRect(r - 0.17 * w, bottom - 0.52 * h, r - 0.03 * w, bottom - 0.4 * h, o.Accent, o.Instance, Surface.Object);
        var u = (l + r) / 2;
        canvas.FillRect(u - 0.12 * w, bottom - 0.32 * h, u + 0.12 * w, bottom - 0.22 * h, Rgb.Gray(0.9f), o.Instance, Surface.Object);
    }

    private void DrawPerson(SceneObject o, double u, double w, double h, double bottom)
    {
        var id = o.Instance;
        var trousers = Look(new Rgb(0.12f, 0.14f, 0.22f));
        var legTop = o.Kind == ObjectKind.Rider ? 0.35 : 0.47;
        canvas.FillRect(u - 0.38 * w, bottom - legTop * h, u - 0.04 * w, bottom, trousers, id, Surface.Object);
        canvas.FillRect(u + 0.04 * w, bottom - legTop * h, u + 0.38 * w, bottom, trousers, id, Surface.Object);
        canvas.FillRect(u - 0.5 * w, bottom - 0.82 * h, u + 0.5 * w, bottom - (legTop - 0.03) * h, o.Color, id, Surface.Object);
        canvas.FillEllipse(u, bottom - 0.91 * h, Math.Max(0.24 * w, 0.5), 0.09 * h, o.Accent, id, Surface.Object);
    }

    private void DrawCycle(SceneObject o, double u, double l, double r, double w, double h, double bottom)
    {
        var id = o.Instance;
        var motor = o.Kind == ObjectKind.Motorcycle;
        var tyre = Rgb.Gray(0.05f);
        var thickness = Math.Max(1, focal * (motor ? 0.09 : 0.05) / o.Z);
        if (o.SideView)
        {
            var radius = 0.36 * h;
            var rear = l + radius;
            var front = r - radius;
            var hub = bottom - radius;
            canvas.FillEllipse(rear, hub, radius, radius, tyre, id, Surface.Object, innerFraction: motor ? 0 : 0.75);
            canvas.FillEllipse(front, hub, radius, radius, tyre, id, Surface.Object, innerFraction: motor ? 0 : 0.75);
            if (motor)
            {
                canvas.FillEllipse(u, bottom - 0.58 * h, 0.32 * w, 0.2 * h, o.Color, id, Surface.Object);
                canvas.FillRect(l + 0.25 * w, bottom - 0.8 * h, u, bottom - 0.68 * h, Rgb.Gray(0.1f), id, Surface.Object);
            }
            else
            {
                var seat = (X: u - 0.12 * w, Y: bottom - 0.85 * h);
                var pedal = (X: u, Y: hub);
                var bar = (X: front - 0.06 * w, Y: bottom - h);
                canvas.FillLine(rear, hub, seat.X, seat.Y, thickness, o.Color, id, Surface.Object);
                canvas.FillLine(rear, hub, pedal.X, pedal.Y, thickness, o.Color, id, Surface.Object);
                canvas.FillLine(seat.X, seat.Y, pedal.X, pedal.Y, thickness, o.Color, id, Surface.Object);
                canvas.FillLine(seat.X, seat.Y + 0.05 * h, bar.X, bar.Y + 0.1 * h, thickness, o.Color, id, Surface.Object);
                canvas.FillLine(pedal.X, pedal.Y, bar.X, bar.Y + 0.1 * h, thickness, o.Color, id, Surface.Object);
                canvas.FillLine(bar.X, bar.Y, front, hub, thickness, o.Color, id, Surface.Object);
            }
        }
        else
        {
            canvas.FillRect(u - 0.12 * w, bottom - 0.6 * h, u + 0.12 * w, bottom, tyre, id, Surface.Object);
            canvas.FillRect(u - 0.3 * w, bottom - 0.75 * h, u + 0.3 * w, bottom - 0.5 * h, o.Color, id, Surface.Object);
            canvas.FillLine(l, bottom - h, r, bottom - h, thickness, Rgb.Gray(0.15f), id, Surface.Object);
            canvas.FillLine(u, bottom - h, u, bottom - 0.7 * h, thickness, Rgb.Gray(0.15f), id, Surface.Object);
        }
    }

    private void DrawHood()
    {
        var top = canvas.Height * rng.Uniform(0.84, 0.92);
        var cy = canvas.Height * 1.25;
        var colour = domain == Domain.Real ? Look(Rgb.Gray(0.12f)) : Look(new Rgb(0.55f, 0.08f, 0.08f));
        canvas.FillEllipse(canvas.Width * rng.Uniform(0.45, 0.55), cy, canvas.Width * 0.95, cy - top, colour, 1, Surface.Hood);
        objects.Add(new SceneObject(ObjectKind.Hood, 1, 0, 0, 0, 0, false, colour, colour));
    }
}
