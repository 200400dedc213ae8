using System.Net;
using System.Net.Http.Headers;

namespace SrganWorkbench;

/// <summary>Bytes received so far and the whole size when the server says it.</summary>
public readonly record struct DownloadProgress(string Url, long Bytes, long? Total);

/// <summary>A download that stopped part-way (connection dropped, timed out): running it again resumes it.</summary>
public sealed class DownloadInterruptedException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Downloads one URL to a file: into <c>&lt;destination&gt;.part</c>, then renamed to the destination once
/// complete, so the destination is never half-written. With <c>resume</c>, a <c>.part</c> left by an
/// interrupted download is continued with an HTTP Range request when the server honours it (206 with the
/// matching Content-Range); otherwise the download starts over.
/// </summary>
public static class HttpDownload
{
    public static HttpClient NewClient() => new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>Returns true when a partial download was resumed rather than started from byte 0.</summary>
    public static async Task<bool> ToFileAsync(string url, string destination, bool resume, HttpClient client,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        string part = destination + ".part";
        long have = resume && File.Exists(part) ? new FileInfo(part).Length : 0;
        if (!resume && File.Exists(part)) File.Delete(part);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
            bool resumed = false;
            if (have > 0 && response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have)
                resumed = true;
            else if (have > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The .part may already be complete (Content-Range: bytes */<length>); else start over.
                if (response.Content.Headers.ContentRange?.Length == have)
                {
                    File.Move(part, destination, overwrite: true);
                    return true;
                }
                File.Delete(part);
                return await ToFileAsync(url, destination, resume: false, client, progress, cancel);
            }
            else if (!response.IsSuccessStatusCode)
                throw new IOException($"{url}: download failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            else if (response.StatusCode == HttpStatusCode.PartialContent)
                throw new IOException($"{url}: the server sent a part (HTTP 206) that was not asked for.");
            if (!resumed) have = 0; // the server ignored the Range: start over

            long? length = response.Content.Headers.ContentLength;
            long? total = length + have;
            long received = have;
            await using (var source = await response.Content.ReadAsStreamAsync(cancel))
            await using (var file = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await source.ReadAsync(buffer, cancel)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, n), cancel);
                    received += n;
                    progress?.Report(new DownloadProgress(url, received, total));
                }
            }
            if (total is { } expected && received != expected)
                throw new DownloadInterruptedException($"{url}: the connection closed after {received} of {expected} bytes; run again to resume.");
            File.Move(part, destination, overwrite: true);
            return resumed;
        }
        catch (HttpRequestException e) when (e.StatusCode == null)
        {
            long kept = File.Exists(part) ? new FileInfo(part).Length : 0;
            throw new DownloadInterruptedException(
                $"{url}: cannot download ({e.Message}){(kept > 0 ? $"; {kept} bytes kept in {part}, run again to resume" : "")}. This needs internet access, else a mirror or a copy made by hand.", e);
        }
        catch (IOException e) when (e is HttpIOException || e.InnerException is System.Net.Sockets.SocketException)
        {
            // A dropped connection: the response ended early, or the socket failed while reading.
            throw Interrupted(url, part, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw Interrupted(url, part, e); // HttpClient's timeout
        }
    }

    static DownloadInterruptedException Interrupted(string url, string part, Exception e)
    {
        long kept = File.Exists(part) ? new FileInfo(part).Length : 0;
        return new DownloadInterruptedException($"{url}: the download stopped ({e.Message}); {kept} bytes kept in {part}, run again to resume.", e);
    }
}
