using System.CommandLine;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Hosting;

namespace Rampart.Server.Taxii;

/// <summary>
/// <c>rampart admin taxii create|list</c>: network collections from the command line (the operator acts as a node
/// administrator; an organisation's own collections are defined by its admins over the API). Same rules as the API.
/// </summary>
internal static class TaxiiCommands
{
    public static void Add(AdminCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var taxii = new Command("taxii", "TAXII 2.1 network collections.");
        commands.Admin.Subcommands.Add(taxii);

        var title = new Option<string>("--title") { Description = "Title shown to TAXII clients.", Required = true };
        var alias = new Option<string?>("--alias") { Description = "Alias usable in the URL instead of the id (lower-case letters, digits, '-'); unique among network collections." };
        var description = new Option<string?>("--description") { Description = "Description shown to TAXII clients." };
        var types = new Option<string?>("--types") { Description = "Comma-separated STIX types the collection holds (default: all)." };
        var tlps = new Option<string?>("--tlps") { Description = "Comma-separated TLPs the collection holds, e.g. clear,green (default: all)." };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated labels; objects with one of them (default: any)." };
        var writable = new Option<bool>("--writable") { Description = "Everyone on the network with write rights may add objects (default: read only)." };
        var writeTlp = new Option<string?>("--write-tlp") { Description = "TLP of objects written through it: clear, green, amber, amber+strict, red (default amber)." };
        var writeToNetwork = new Option<bool>("--write-to-network") { Description = "Share written objects with the network (needs --write-tlp clear or green); default: each writer's own organisation only." };
        var create = new Command("create", "Define a network collection, read by everyone on the network; prints its id and address.")
        {
            title, alias, description, types, tlps, labels, writable, writeTlp, writeToNetwork,
        };
        create.SetAction((parse, ct) => commands.Run(async services =>
        {
            static List<string>? Split(string? value) => value is null ? null : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            var filter = new CollectionFilter(Split(parse.GetValue(tlps)), Split(parse.GetValue(types)), Split(parse.GetValue(labels)));
            var request = new TaxiiCollectionRequest(
                parse.GetValue(title), parse.GetValue(description), parse.GetValue(alias), Network: true, Filter: filter,
                Readers: [new CollectionGrantee("network")],
                Writers: parse.GetValue(writable) ? [new CollectionGrantee("network")] : [],
                WriteTlp: parse.GetValue(writeTlp),
                WriteAudiences: parse.GetValue(writeToNetwork) ? [new AudienceEntry(AudienceKind.Network)] : []);
            var c = await services.GetRequiredService<TaxiiCollections>().CreateAsync(Caller.Operator(), request, ct);
            await commands.Output.WriteLineAsync($"{c.Id}\t{TaxiiCollections.PathOf(c)}\t{c.Alias}");
            return 0;
        }, ct));
        taxii.Subcommands.Add(create);

        var list = new Command("list", "List the network collections: id, address, alias, title, writers, what written objects get.");
        list.SetAction((parse, ct) => commands.Run(async services =>
        {
            var collections = services.GetRequiredService<TaxiiCollections>();
            long? after = null;
            while (true)
            {
                var (items, more) = await collections.ListAsync(Caller.Operator(), after, Http.MaxPageSize, ct);
                foreach (var c in items)
                {
                    var writers = TaxiiCollections.WritersOf(c).Count == 0 ? "read-only" : "writable";
                    var to = TaxiiCollections.WriteAudienceOf(c).Count == 0 ? "writer's organisation" : "network";
                    await commands.Output.WriteLineAsync(
                        $"{c.Id}\t{TaxiiCollections.PathOf(c)}\t{c.Alias ?? "-"}\t{TextRules.Escape(c.Title)}\t{writers}\t{Standards.Markings.TlpMarking.Code(c.WriteTlp)} to {to}");
                }

                if (!more)
                {
                    return 0;
                }

                after = items[^1].Key;
            }
        }, ct));
        taxii.Subcommands.Add(list);
    }
}
