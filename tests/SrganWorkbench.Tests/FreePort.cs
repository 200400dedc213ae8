using System.Net;
using System.Net.Sockets;

namespace SrganWorkbench.Tests;

/// <summary>A loopback port nobody listens on right now, for a server a test starts (the OS picks it).</summary>
static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
