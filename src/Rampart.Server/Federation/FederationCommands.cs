using System.CommandLine;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Hosting;

namespace Rampart.Server.Federation;

/// <summary><c>rampart admin federation show|peers</c>: the node's identity (to read out to a peer) and the peer list.</summary>
internal static class FederationCommands
{
    public static void Add(AdminCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var federation = new Command("federation", "Federation between Rampart nodes: this node's identity and its peers.");
        commands.Admin.Subcommands.Add(federation);

        var show = new Command("show", "This node's id, public key and fingerprint (generated on first use; the private key is never shown).");
        show.SetAction((parse, ct) => commands.Run(async services =>
        {
            var view = await services.GetRequiredService<NodeIdentity>().ViewAsync(ct);
            await commands.Output.WriteLineAsync($"Node id:      {view.NodeId}");
            await commands.Output.WriteLineAsync($"Algorithm:    {view.Algorithm}");
            await commands.Output.WriteLineAsync($"Fingerprint:  {view.GroupedFingerprint}");
            await commands.Output.WriteLineAsync(view.PublicKey.TrimEnd('\n'));
            return 0;
        }, ct));
        federation.Subcommands.Add(show);

        var peers = new Command("peers", "List the peers: id, name, state, address, fingerprint, declared organisations.");
        peers.SetAction((parse, ct) => commands.Run(async services =>
        {
            var federationPeers = services.GetRequiredService<FederationPeers>();
            long? after = null;
            while (true)
            {
                var (items, last, more) = await federationPeers.ListAsync(Caller.Operator(), after, Http.MaxPageSize, ct);
                foreach (var p in items)
                {
                    await commands.Output.WriteLineAsync($"{p.Id}\t{p.Name}\t{p.State}\t{p.Url}\t{p.GroupedFingerprint}\t{p.Organisations.Count} organisations");
                }

                if (!more)
                {
                    return 0;
                }

                after = last;
            }
        }, ct));
        federation.Subcommands.Add(peers);

        var organisations = new Command("organisations", "This node's organisations with their STIX identity (what a peer declares them by) and the peer each is declared on.");
        organisations.SetAction((parse, ct) => commands.Run(async services =>
        {
            var federationPeers = services.GetRequiredService<FederationPeers>();
            Guid? after = null;
            while (true)
            {
                var (items, last, more) = await federationPeers.OrganisationsAsync(Caller.Operator(), after, Http.MaxPageSize, ct);
                foreach (var o in items)
                {
                    await commands.Output.WriteLineAsync($"{o.ShortName}\t{o.Id}\t{o.StixIdentity}\t{(o.LivesOn is null ? "here" : "on " + o.LivesOn)}\t{o.Name}");
                }

                if (!more)
                {
                    return 0;
                }

                after = last;
            }
        }, ct));
        federation.Subcommands.Add(organisations);
    }
}
