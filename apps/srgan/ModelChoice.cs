using SrganWorkbench.Data;
using SrganWorkbench.Evaluation;
using System.CommandLine;
using SrganWorkbench.Inference;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SrganWorkbench.Cli;

/// <summary>The --model / --peer options shared by upscale and eval.</summary>
sealed class ModelChoice
{
    public readonly Option<string?> Model = new("--model") { Description = "A workspace checkpoint (run folder or .safetensors); eval and mos take several, comma-separated." };
    public readonly Option<string?> Peer = new Option<string?>("--peer")
    {
        Description = "A peer's pretrained model: leftthomas (leftthomas/SRGAN) or tensorlayer (tensorlayer/srgan); eval and mos take both, comma-separated.",
        HelpName = "leftthomas|tensorlayer",
    }.CheckedBy(text => { foreach (string name in CliErrors.List(text)) Named(name); });
    public readonly Option<string?> PeerWeights = new("--peer-weights")
    {
        Description = "The peer's weights file (default: $SRGAN_WEIGHTS/leftthomas-srgan-x4/netG_epoch_4_100.safetensors, $SRGAN_WEIGHTS/tensorlayer-srgan-x4/tensorlayer_srgan_g_x4.safetensors).",
    };

    /// <summary>The peers --peer can name: how to load each, its default weights, its name in tables, its label in figures, and what it is.</summary>
    sealed record PeerEntry(string Name, Func<string, SRResNet> Load, Func<string> DefaultWeights, string Method, string Label, string About);

    static readonly PeerEntry[] Peers =
    [
        new("leftthomas", PeerModels.LoadLeftThomas, PeerModels.LeftThomasDefaultWeightsPath, "leftthomas-srgan", "leftthomas SRGAN (VOC2012, 100 epochs)",
            "leftthomas/SRGAN netG_epoch_4_100 (trained by its author on VOC2012, 100 epochs; MSE + 0.006 VGG16 + 1e-3 adversarial + 2e-8 TV)"),
        new("tensorlayer", PeerModels.LoadTensorLayer, PeerModels.TensorLayerDefaultWeightsPath, "tensorlayer-srgan", "SRGAN, GPU-trained (TensorLayer: DIV2K, ~10^5 updates)", "tensorlayer/srgan generator, GPU-trained on DIV2K (800 images; 100 MSE then 2,000 adversarial epochs, about 10^5 updates of 16 crops; MSE + VGG19 pool4 + 1e-3 adversarial), as ColorfulSoft's SRGAN app distributes it"),
    ];
    /// <summary>The peer of that name (case-insensitive), or an error listing the names.</summary>
    static PeerEntry Named(string name) =>
        Peers.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(CliOptions.NotOneOf("--peer", name, Peers.Select(p => p.Name)));
    public readonly Option<int> Tile = new("--tile") { Description = "Process the LR image in tiles of this many pixels (0: whole image).", DefaultValueFactory = _ => 0 };
    public readonly Option<int> Overlap = new("--overlap") { Description = "Tile overlap in LR pixels, blended linearly.", DefaultValueFactory = _ => 16 };
    public readonly Option<bool> HistogramMatch = new("--histogram-match") { Description = "Match each channel's histogram to the bicubic upscale (corrects colour shifts)." };
    public readonly Option<string> Device = new("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
    /// <summary>Which library runs the network; tiling, blending and rounding are the same code for both (IUpscaleNetwork).</summary>
    public readonly ChoiceOption<InferenceEngine> Engine = new("--engine",
        "torch (TorchSharp/libtorch, the workspace's own) or onnxruntime (ONNX Runtime, CPU, on the graph `srgan export` writes, exported in memory).",
        [("torch", InferenceEngine.Torch), ("onnxruntime", InferenceEngine.OnnxRuntime)], "torch");

    /// <summary>What was loaded, for reports (set by <see cref="Create"/> and <see cref="CreateAll"/>).</summary>
    public string? Description { get; private set; }

    /// <summary>
    /// Each model's name in a figure, in <see cref="CreateAll"/>'s order: a run's name with its recipe when it did not
    /// minimise the paper's objective ("srgan-vgg22-cpu (cpu recipe)"), a peer's with where and how it was trained.
    /// </summary>
    public IReadOnlyList<string> Labels { get; private set; } = [];

    public IEnumerable<Option> All => [Model, Peer, PeerWeights, Tile, Overlap, HistogramMatch, Device, Engine];

    /// <summary>Every model named: each checkpoint of a comma-separated --model, then the --peer (for studies that compare several).</summary>
    public List<ModelUpscaler> CreateAll(ParseResult parse)
    {
        var paths = CliErrors.List(parse.GetValue(Model) ?? "");
        var models = paths.Select(path => CreateOne(parse, path, null)).ToList();
        var qualifiers = models.Select(m => m.Label).ToList(); // the recipe, added to the name the loop below settles
        // Runs named alike (same kind, content and profile) get their folder's name too: reports group rows by name.
        // Folders named alike too (results/srgan-vgg22-cpu and runs/previous/srgan-vgg22-cpu): their paths.
        var shared = models.GroupBy(m => m.Upscaler.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var sameFolder = paths.Select(RunName).GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        for (int i = 0; i < models.Count; i++)
            if (shared.Contains(models[i].Upscaler.Name))
            {
                string run = RunName(paths[i]);
                models[i] = models[i] with { Upscaler = models[i].Upscaler.Renamed($"{models[i].Upscaler.Name}:{(sameFolder.Contains(run) ? DataRoot.Shown(RunFolder(paths[i])) : run)}") };
            }
        var peers = CliErrors.List(parse.GetValue(Peer) ?? "");
        if (peers.Length > 1 && parse.GetValue(PeerWeights) != null)
            throw new ArgumentException("--peer-weights names one file; give it with a single --peer.");
        // A folder named for the run's kind and loss says more than the method's name (srresnet-cpu-continued is not
        // results/srresnet-cpu; srgan-vgg22-paper-objective is more than srgan-vgg22-ablation), unless two would share it.
        var names = models.Select((m, i) => RunName(paths[i]) is var folder
            && folder.StartsWith(string.Join('-', m.Upscaler.Name.Split('-').Take(2)), StringComparison.Ordinal) ? folder : m.Upscaler.Name).ToList();
        var labels = names.Select((n, i) => (names.Count(o => o == n) > 1 ? models[i].Upscaler.Name : n) + qualifiers[i]).ToList();
        foreach (string peer in peers) { var p = CreateOne(parse, null, peer); models.Add(p); labels.Add(p.Label); }
        Description = string.Join("; ", models.Select(m => m.Description));
        Labels = labels;
        return models.Select(m => m.Upscaler).ToList();
    }

    /// <summary>A run's folder (the folder itself, or the folder holding a checkpoint file), and its name.</summary>
    static string RunFolder(string path) =>
        Directory.Exists(path) ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) : Path.GetDirectoryName(Path.GetFullPath(path))!;
    static string RunName(string path) => Path.GetFileName(RunFolder(path));

    public bool Given(ParseResult parse) => parse.GetValue(Model) != null || parse.GetValue(Peer) != null;

    public ModelUpscaler Create(ParseResult parse)
    {
        string? model = parse.GetValue(Model), peer = parse.GetValue(Peer);
        if (model != null && peer != null) throw new ArgumentException("Give either --model or --peer, not both.");
        if (peer != null && CliErrors.List(peer).Length > 1) throw new ArgumentException($"--peer '{peer}': this command takes one peer.");
        var (upscaler, description, label) = CreateOne(parse, model, peer);
        Description = description;
        Labels = [label];
        return upscaler;
    }

    /// <summary>What a report adds when ONNX Runtime ran the network (nothing for the default engine).</summary>
    static string Engined(InferenceEngine engine) => engine == InferenceEngine.OnnxRuntime
        ? $"; run by ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3)} (CPU) on the exported graph" : "";

    /// <summary>One model; for a run, Label is only its recipe qualifier (CreateAll puts the final name before it).</summary>
    (ModelUpscaler Upscaler, string Description, string Label) CreateOne(ParseResult parse, string? model, string? peer)
    {
        var tiles = new TileOptions(parse.GetValue(Tile), parse.GetValue(Overlap));
        tiles.Validate();
        var engine = Engine.Get(parse);
        // ONNX Runtime runs here on its CPU execution provider; the images' tensors stay on the CPU with it.
        if (engine == InferenceEngine.OnnxRuntime && parse.Given(Device) && parse.GetValue(Device) is not ("cpu" or "auto"))
            throw new ArgumentException($"--engine onnxruntime runs on the CPU; --device {parse.GetValue(Device)} is for --engine torch.");
        var device = engine == InferenceEngine.OnnxRuntime ? CPU : TorchRuntime.SelectDevice(parse.GetValue(Device)!);
        if (model != null)
        {
            // `--model tensorlayer`: a peer's name where a run was expected (no file or folder of that name here).
            if (!File.Exists(model) && !Directory.Exists(model) && Peers.Any(p => p.Name.Equals(model.Trim(), StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"--model {model}: no run of that name here; {model} is a peer's model: give --peer {model.Trim().ToLowerInvariant()}.");
            var trained = TrainedModel.Load(model, device, tiles, parse.GetValue(HistogramMatch), engine);
            return (trained.Upscaler, trained.Description + Engined(engine), Objective.Qualifier(trained.Config));
        }
        string names = string.Join(" or ", Peers.Select(p => p.Name));
        if (peer == null) throw new ArgumentException($"Give --model CHECKPOINT (from srgan train) or --peer {names}.");
        var chosen = Named(peer);
        string weights = parse.GetValue(PeerWeights) ?? chosen.DefaultWeights();
        var peerModel = chosen.Load(weights);
        peerModel.to(device);
        return (new ModelUpscaler(peerModel, chosen.Method, device, tiles, parse.GetValue(HistogramMatch), engine),
            $"peer model {chosen.About} ({DataRoot.Shown(weights)}){Engined(engine)}", chosen.Label);
    }
}
