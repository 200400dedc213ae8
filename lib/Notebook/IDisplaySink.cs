namespace SrganWorkbench.Notebook;

/// <summary>Where displayed outputs go: the kernel implements it; outside a kernel nothing is shown.</summary>
public interface IDisplaySink
{
    void Display(MimeBundle bundle, string? displayId);
    void Update(MimeBundle bundle, string displayId);
}
