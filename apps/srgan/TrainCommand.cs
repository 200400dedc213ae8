using SrganWorkbench.Losses;
using System.Runtime.InteropServices;
using System.CommandLine;
using SrganWorkbench.Training;

namespace SrganWorkbench.Cli;

/// <summary><c>srgan train</c>: SRResNet or SRGAN with a named profile, resumable.</summary>
static class TrainCommand
{
    public static Command Create()
    {
        var kind = new Option<string>("--model") { Description = "srresnet or srgan.", DefaultValueFactory = _ => "srresnet" };
        var profile = new Option<string>("--profile") { Description = "paper (GPU schedule), cpu (about an hour on 2 cores) or smoke (seconds).", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out", "-o") { Description = "Run folder (default: runs/<model>-<profile>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its checkpoint." };
        var initFrom = new Option<string?>("--init-from") { Description = "SRGAN: the SRResNet run folder or checkpoint to start the generator from." };
        var content = new Option<string?>("--content") { Description = "SRGAN content loss: mse, l1, vgg22, vgg54, relu3_4, ... (profile default otherwise)." };
        var steps = new Option<long?>("--steps") { Description = "Override the profile's number of steps." };
        var seed = new Option<long?>("--seed") { Description = "Random seed (default 0)." };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda[:N].", DefaultValueFactory = _ => "auto" };
        var config = new Option<string?>("--config") { Description = "A config.json to start from instead of a profile." };
        var data = new Option<string?>("--data") { Description = "Data root (default: $SRGAN_DATA, else data/)." };
        var contentWeight = new Option<double?>("--content-weight") { Description = "SRGAN: weight of the content loss (profile default otherwise)." };
        var adversarialWeight = new Option<double?>("--adversarial-weight") { Description = "SRGAN: weight of the adversarial loss (the paper's 1e-3 otherwise)." };

        var command = new Command("train", "Train SRResNet (MSE) or SRGAN; Ctrl-C saves a checkpoint and stops, --resume continues.")
        {
            kind, profile, output, resume, initFrom, content, steps, seed, device, config, data, contentWeight, adversarialWeight,
        };
        command.SetAction(parse =>
        {
            var modelKind = parse.GetValue(kind)!.ToLowerInvariant() switch
            {
                "srresnet" => ModelKind.SRResNet,
                "srgan" => ModelKind.Srgan,
                var other => throw new ArgumentException($"--model '{other}': expected srresnet or srgan."),
            };
            string profileName = parse.GetValue(profile)!;
            var cfg = parse.GetValue(config) is { } path
                ? TrainingConfig.FromJson(File.ReadAllText(path), path)
                : TrainingConfig.ForProfile(profileName, modelKind, parse.GetValue(content) is { } named ? ContentLoss.Parse(named) : null);
            if (parse.GetValue(config) != null && parse.GetValue(content) is { } c) cfg = cfg with { Content = ContentLoss.Parse(c) };
            if (parse.GetValue(steps) is { } n) cfg = cfg with { Steps = n };
            if (parse.GetValue(seed) is { } s) cfg = cfg with { Seed = s };
            if (parse.GetValue(contentWeight) is { } cw) cfg = cfg with { ContentWeight = cw };
            if (parse.GetValue(adversarialWeight) is { } aw) cfg = cfg with { AdversarialWeight = aw };
            cfg = cfg with { Device = parse.GetValue(device)! };
            if (parse.GetValue(initFrom) is { } init) cfg = cfg with { InitFrom = Path.GetFullPath(init) };
            if (cfg.Kind == ModelKind.Srgan && cfg.InitFrom == null && !parse.GetValue(resume))
                Console.Error.WriteLine("note: no --init-from; the paper starts SRGAN from a trained SRResNet (srgan train --model srresnet first).");

            string folder = parse.GetValue(output) ?? Path.Combine(RepoPaths.Runs, $"{cfg.Kind.ToString().ToLowerInvariant()}-{cfg.Profile}");
            var trainer = new Trainer(cfg, folder, parse.GetValue(data));
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process
                e.Cancel = true;
                cancel.Cancel();
                Console.Error.WriteLine("\nstopping after this step and saving a checkpoint (Ctrl-C again to abort)...");
            };
            // `kill`, CI time-outs and service managers send SIGTERM (and background jobs ignore SIGINT): stop the same way.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, e =>
            {
                if (cancel.IsCancellationRequested) return;
                e.Cancel = true;
                cancel.Cancel();
                Console.Error.WriteLine("\nSIGTERM: stopping after this step and saving a checkpoint...");
            });
            var bar = new ProgressBar();
            trainer.Progress += bar.Update;
            var result = trainer.Run(parse.GetValue(resume), cancel.Token);
            bar.Finish();
            Console.WriteLine($"{result.Status}: {result.Message}");
            Console.WriteLine($"run folder: {trainer.RunDirectory} (config.json, {Checkpoint.FileName}, log.jsonl)");
            return result.Status switch { TrainingStatus.Completed => 0, TrainingStatus.Cancelled => 130, _ => 3 };
        });
        return command;
    }
}
