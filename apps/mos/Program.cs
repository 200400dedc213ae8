using SrganWorkbench.Mos.Site;

// srgan-mos serve STUDY_FOLDER [--port 5080] [--host 127.0.0.1] [--db FILE] [--admin-token-file FILE]
// (the same as `srgan mos serve`; the admin token also comes from $SRGAN_MOS_ADMIN_TOKEN, else a random one is written
// to STUDY_FOLDER/admin-token)
const string Usage = "usage: srgan-mos serve STUDY_FOLDER [--port 5080] [--host 127.0.0.1] [--db FILE] [--admin-token-file FILE]";
if (args.Length < 2 || args[0] != "serve")
{
    Console.Error.WriteLine(Usage);
    return 2;
}
if (args.Contains("--admin-token"))
{
    Console.Error.WriteLine($"error: --admin-token is refused (a command line is visible to every user in `ps`); use --admin-token-file FILE or ${AdminTokens.Variable}.");
    return 2;
}
string? Value(string flag) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault();
if (!int.TryParse(Value("--port") ?? "5080", out int port))
{
    Console.Error.WriteLine($"error: --port takes a number. {Usage}");
    return 2;
}
var options = new MosServerOptions(args[1], Value("--host") ?? "127.0.0.1", port, Value("--db")) { AdminTokenFile = Value("--admin-token-file") };
return MosServe.Run(options, Console.Out, Console.Error);
