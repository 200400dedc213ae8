using SrganWorkbench.Mos.Site;

// srgan-mos serve STUDY_FOLDER [--port 5080] [--host 127.0.0.1] [--db FILE] [--admin-token T]
// (the same as `srgan mos serve`)
if (args.Length < 2 || args[0] != "serve")
{
    Console.Error.WriteLine("usage: srgan-mos serve STUDY_FOLDER [--port 5080] [--host 127.0.0.1] [--db FILE] [--admin-token T]");
    return 2;
}
string? Value(string flag) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault();
var options = new MosServerOptions(args[1], Value("--host") ?? "127.0.0.1", int.Parse(Value("--port") ?? "5080"), Value("--db"), Value("--admin-token"));
return MosServe.Run(options, Console.Out, Console.Error);
