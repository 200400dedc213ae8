using SrganWorkbench.Losses;
using SrganWorkbench.Models;
using SrganWorkbench.Training;
using SrganWorkbench.Weights;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Losses;

/// <summary>Content losses as values: names, configs (including those written before), and VGG weights that carry
/// their own preprocessing and feature scale.</summary>
public class ContentLossTests
{
    static string Repo(params string[] parts) => Path.Combine([SrganWorkbench.Data.DataRoot.RepositoryRoot(), .. parts]);
    static readonly string CaffeVgg = Path.GetFullPath(Path.Combine(SharedData.Root, "..", "weights", "vgg19-imagenet-partial", "vgg19_features_0-16_caffeRGB.safetensors"));

    [Theory]
    [InlineData("mse", "mse", null, Criterion.Mse)]
    [InlineData(" L2 ", "mse", null, Criterion.Mse)]
    [InlineData("l1", "l1", null, Criterion.L1)]
    [InlineData("vgg22", "vgg22", "relu2_2", Criterion.Mse)]
    [InlineData("VGG54", "vgg54", "relu5_4", Criterion.Mse)]
    [InlineData("relu3_4", "vgg34", "relu3_4", Criterion.Mse)]
    [InlineData("vgg22:l1", "vgg22:l1", "relu2_2", Criterion.L1)]
    public void Names_parse_to_values_and_back(string text, string name, string? layer, Criterion criterion)
    {
        var loss = ContentLoss.Parse(text);
        Assert.Equal(layer, loss.VggLayer);
        Assert.Equal(criterion, loss.Criterion);
        Assert.Equal(name, loss.ToString());
        Assert.Equal(loss, ContentLoss.Parse(name));
    }

    [Theory]
    [InlineData("vgg99", "VGG19 has no layer")]
    [InlineData("relu2_3", "VGG19 has no layer")]
    [InlineData("ssim", "expected mse or l1")]
    [InlineData("vgg22:huber", "expected mse or l1")]
    [InlineData("", "Empty content loss")]
    public void Bad_names_say_what_is_expected(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => { var loss = ContentLoss.Parse(text); Vgg19Features.FeatureIndex(loss.VggLayer ?? "relu1_1"); });
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_config_round_trips_and_configs_written_before_still_read()
    {
        var config = TrainingConfig.ForProfile("cpu", ModelKind.Srgan, ContentLoss.Parse("vgg34:l1"));
        string json = config.ToJson();
        Assert.Contains("\"content\": \"vgg34:l1\"", json);
        Assert.Equal(config.ToJson(), TrainingConfig.FromJson(json, "test").ToJson());

        // A config written before the content loss became one value (the first SRGAN-VGG22 run's, kept as a fixture)
        // names its criterion apart ("contentCriterion").
        string committed = Repo("tests", "fixtures", "legacy-srgan-vgg22.config.json");
        Assert.Contains("contentCriterion", File.ReadAllText(committed));
        var old = TrainingConfig.FromJson(File.ReadAllText(committed), committed);
        Assert.Equal(ContentLoss.Vgg22, old.Content);
        Assert.Equal(1e-4, old.ContentWeight);
        Assert.Equal(5e-4, old.AdversarialWeight);
        string l1 = File.ReadAllText(committed).Replace("\"contentCriterion\": \"Mse\"", "\"contentCriterion\": \"L1\"");
        Assert.Equal(ContentLoss.Parse("vgg22:l1"), TrainingConfig.FromJson(l1, "test").Content);

        var bad = Assert.Throws<InvalidDataException>(() => TrainingConfig.FromJson(json.Replace("vgg34:l1", "vgg61"), "my-config.json"));
        Assert.Contains("my-config.json", bad.Message);
        Assert.Contains("VGG19 has no layer", bad.Message);
    }

    [Fact]
    public void Profiles_state_their_weights_for_each_kind_of_content_loss()
    {
        // No profile-name checks: a profile's numbers come with it, for pixel and VGG content alike.
        foreach (string profile in TrainingConfig.ProfileNames)
        {
            var pixel = TrainingConfig.ForProfile(profile, ModelKind.Srgan, ContentLoss.Mse);
            Assert.Equal(1.0, pixel.ContentWeight);
        }
        Assert.Equal(1e-4, TrainingConfig.ForProfile("cpu", ModelKind.Srgan, ContentLoss.Parse("vgg34")).ContentWeight);
        Assert.Equal(1.0, TrainingConfig.ForProfile("paper", ModelKind.Srgan).ContentWeight);
        Assert.Equal(ContentLoss.Vgg54, TrainingConfig.ForProfile("paper", ModelKind.Srgan).Content);
    }

    [Fact]
    public void Vgg_weights_carry_their_preprocessing_and_feature_scale()
    {
        using var scope = NewDisposeScope();
        var caffe = Vgg19Features.Load("vgg22", CaffeVgg);
        Assert.Equal(VggPreprocessing.Caffe, caffe.Preprocessing); // from the file's metadata
        Assert.Equal(1 / 12.75, caffe.FeatureScale, 12);

        // The same tensors in a safetensors file that does not state a Caffe input are read as torchvision's (timm's tv_in1k).
        using var temp = new SharedData.TempFolder();
        var file = SafeTensors.Read(CaffeVgg);
        SafeTensors.Write(temp.File("tv.safetensors"), file.Tensors.ToList(), new Dictionary<string, string>());
        var tv = Vgg19Features.Load("vgg22", temp.File("tv.safetensors"));
        Assert.Equal(VggPreprocessing.Torchvision, tv.Preprocessing);
        Assert.Equal(255 * 0.226 / 12.75, tv.FeatureScale, 12);

        // Torchvision's input is 57.6x smaller than Caffe's: with first-layer weights 57.6x larger (and the mean
        // folded into the bias) the raw features are the Caffe ones; the feature scale then multiplies them by 57.6.
        var hr = rand(1, 3, 32, 32, generator: new Generator(1));
        var sr = hr.add(randn(1, 3, 32, 32, generator: new Generator(2)).mul(0.05)).clamp(0, 1);
        var paper = new VggContentLoss(caffe).Compute(sr.mul(2).sub(1), hr.mul(2).sub(1)).item<float>();
        var raw = new Vgg19Features("vgg22", VggPreprocessing.Torchvision, featureScale: 1);
        var weights = file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var std = tensor(new[] { 0.229f, 0.224f, 0.225f }).view(1, 3, 1, 1);
        var tvMean = tensor(new[] { 0.485f, 0.456f, 0.406f }).view(1, 3, 1, 1);
        var caffeMean = tensor(new[] { 123.68f / 255, 116.779f / 255, 103.939f / 255 }).view(1, 3, 1, 1);
        var w = file.Tensors["features.0.weight"];
        // Caffe: W (255 (x - m_c)); torchvision: W' ((x - m_t) / s)  =>  W' = 255 s W, b' = b + sum W 255 (m_t - m_c).
        weights["features.0.weight"] = w.mul(std.mul(255));
        weights["features.0.bias"] = file.Tensors["features.0.bias"].add(w.mul(tvMean.sub(caffeMean).mul(255)).sum([1, 2, 3]));
        raw.LoadWeights(weights, "re-expressed");
        var rawLoss = new VggContentLoss(raw).Compute(sr.mul(2).sub(1), hr.mul(2).sub(1)).item<float>();
        Assert.Equal(paper * 12.75 * 12.75, rawLoss, paper * 12.75 * 12.75 * 1e-3);
    }
}
