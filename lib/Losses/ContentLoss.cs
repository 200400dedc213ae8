using System.Text.Json;
using System.Text.Json.Serialization;
using SrganWorkbench.Models;
using static TorchSharp.torch;

namespace SrganWorkbench.Losses;

/// <summary>
/// What the generator's output is compared with HR by (the paper's Section 2.2.1): the pixel-wise
/// loss (MSE, Eq. 4; or L1), or the distance between VGG19 feature maps at one layer (Eq. 5; VGG22 =
/// relu2_2, VGG54 = relu5_4) with a criterion (the paper's is MSE). A value, written in configs as its
/// name: <c>mse</c>, <c>l1</c>, <c>vgg22</c>, <c>vgg54</c>, <c>relu3_4</c>, <c>vgg22:l1</c>.
///
/// Scale: a pixel loss takes HR and SR in [-1,1] (Section 3.2). A VGG loss takes features on the paper's
/// scale whichever weights file is loaded (<see cref="Vgg19Features.FeatureScale"/>): the original Caffe
/// VGG19's, fed 0..255 RGB minus the ImageNet mean, divided by 12.75 as the paper does. The paper rescales
/// "to obtain VGG losses of a scale that is comparable to the MSE loss"; for VGG22 with these weights that is
/// not so: at the start of SRGAN training (from the cpu SRResNet) VGG22 is ~250 while the pixel MSE is
/// ~0.027, so a content weight of 1e-4 makes VGG22 comparable to the MSE (the cpu profile uses it). VGG54's
/// scale could not be measured here (no conv4/conv5 weights).
/// </summary>
[JsonConverter(typeof(ContentLossJson))]
public sealed record ContentLoss
{
    /// <summary>The VGG layer (relu{i}_{j}); null for a pixel loss.</summary>
    public string? VggLayer { get; }
    public Criterion Criterion { get; }
    public bool IsVgg => VggLayer != null;

    ContentLoss(string? vggLayer, Criterion criterion) => (VggLayer, Criterion) = (vggLayer, criterion);

    /// <summary>Pixel-wise loss between SR and HR in [-1,1]: the paper's SRResNet-MSE.</summary>
    public static ContentLoss Pixel(Criterion criterion = Criterion.Mse) => new(null, criterion);
    /// <summary>Distance between VGG19 features at <paramref name="layer"/> ("relu2_2" or "VGG22", ...).</summary>
    public static ContentLoss Vgg(string layer, Criterion criterion = Criterion.Mse)
    {
        Vgg19Features.FeatureIndex(layer); // names a layer VGG19 has, or says which it has
        return new(Vgg19Features.Normalise(layer), criterion);
    }

    public static ContentLoss Mse { get; } = Pixel();
    public static ContentLoss Vgg22 { get; } = Vgg("relu2_2");
    public static ContentLoss Vgg54 { get; } = Vgg("relu5_4");

    /// <summary>"mse", "l1", "vgg22", "relu3_4", "vgg54:l1" (a criterion after a colon for VGG layers).</summary>
    public static ContentLoss Parse(string text)
    {
        string t = text.Trim();
        if (t.Length == 0) throw new ArgumentException("Empty content loss: expected mse, l1, or a VGG layer such as vgg22, vgg54, relu3_4 (optionally :mse or :l1).");
        if (!NamesVggLayer(t)) return Pixel(PixelLoss.Parse(t));
        int colon = t.IndexOf(':');
        return colon < 0 ? Vgg(t) : Vgg(t[..colon], PixelLoss.Parse(t[(colon + 1)..]));
    }

    /// <summary>Whether a content-loss name is a VGG layer's ("vgg22", "relu3_4", "vgg54:l1") rather than a pixel criterion's.</summary>
    public static bool NamesVggLayer(string text) =>
        text.TrimStart().StartsWith("vgg", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith("relu", StringComparison.OrdinalIgnoreCase);

    /// <summary>The config name: "mse", "l1", "vgg22" (the paper's names where they exist), "relu3_1:l1".</summary>
    public override string ToString()
    {
        if (VggLayer is null) return Criterion == Criterion.L1 ? "l1" : "mse";
        string layer = VggLayer.Replace("relu", "vgg").Replace("_", "");
        return Criterion == Criterion.Mse ? layer : $"{layer}:{Criterion.ToString().ToLowerInvariant()}";
    }

    /// <summary>Written and read as its name.</summary>
    sealed class ContentLossJson : JsonConverter<ContentLoss>
    {
        public override ContentLoss Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try { return Parse(reader.GetString() ?? ""); }
            catch (ArgumentException e) { throw new JsonException(e.Message, e); }
        }

        public override void Write(Utf8JsonWriter writer, ContentLoss value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}

/// <summary>
/// The paper's VGG content loss (Section 2.2.1, Eq. 5): the criterion between VGG19 feature maps of the SR
/// and HR images at one relu{i}_{j}, on the paper's feature scale (<see cref="Vgg19Features"/> applies its
/// weights' preprocessing and scale). Images arrive in the generator's [-1,1] range and are mapped to [0,1]
/// for VGG. The HR features need no gradient.
/// </summary>
public sealed class VggContentLoss(Vgg19Features vgg, Criterion criterion = Criterion.Mse)
{
    public Vgg19Features Vgg { get; } = vgg;
    public Criterion Criterion { get; } = criterion;

    public Tensor Compute(Tensor srSigned, Tensor hrSigned)
    {
        using var scope = NewDisposeScope();
        Tensor target;
        using (no_grad()) target = Vgg.forward(hrSigned.add(1).div(2)).detach();
        var features = Vgg.forward(srSigned.add(1).div(2));
        return PixelLoss.Compute(features, target, Criterion).MoveToOuterDisposeScope();
    }
}
