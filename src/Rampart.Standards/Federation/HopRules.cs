using Rampart.Standards.Markings;

namespace Rampart.Standards.Federation;

/// <summary>
/// A community as the hop rules see it: its member organisations and the nodes on which it is defined (a community defined
/// on both the sending and the receiving node "spans" them and travels as a community; any other becomes organisations).
/// </summary>
public sealed record FederatedCommunity(IReadOnlySet<Guid> Members, IReadOnlySet<string> DefinedOn);

/// <summary>An object's audience across nodes: named organisations, communities (by id), and whether it is the network.</summary>
public sealed record FederatedAudience(IReadOnlySet<Guid> Organisations, IReadOnlyDictionary<Guid, FederatedCommunity> Communities, bool Network)
{
    public static FederatedAudience Empty { get; } = new(new HashSet<Guid>(), new Dictionary<Guid, FederatedCommunity>(), false);

    public bool IsEmpty => Organisations.Count == 0 && Communities.Count == 0 && !Network;

    /// <summary>
    /// The organisations it reaches among <paramref name="allOrganisations"/> (the network reaches all of them), within the
    /// TLP's ceilings: communities at AMBER or lower, the network at GREEN or lower — the same ceilings as the access decision.
    /// </summary>
    public IReadOnlySet<Guid> Reaches(Tlp tlp, IEnumerable<Guid> allOrganisations)
    {
        ArgumentNullException.ThrowIfNull(allOrganisations);
        var reached = new HashSet<Guid>(Organisations);
        if (tlp <= Tlp.Amber)
        {
            foreach (var c in Communities.Values)
            {
                reached.UnionWith(c.Members);
            }
        }

        if (Network && tlp <= Tlp.Green)
        {
            reached.UnionWith(allOrganisations);
        }

        return reached;
    }

    /// <summary>Same entries (sets compared as sets).</summary>
    public bool SameAs(FederatedAudience other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Network == other.Network && Organisations.SetEquals(other.Organisations)
            && Communities.Count == other.Communities.Count
            && Communities.All(c => other.Communities.TryGetValue(c.Key, out var o) && o.Members.SetEquals(c.Value.Members) && o.DefinedOn.SetEquals(c.Value.DefinedOn));
    }
}

/// <summary>Whether an object crosses to a peer, and with which audience there; <see cref="Reason"/> says why not.</summary>
public sealed record HopDecision(bool Crosses, FederatedAudience Audience, string Reason)
{
    public static HopDecision Stays(string reason) => new(false, FederatedAudience.Empty, reason);
}

/// <summary>
/// What crosses from one node to a peer (docs/sharing.md, "Federation"), as a pure function. The audience only ever narrows:
/// <list type="bullet">
/// <item>an object crosses only when its audience names an organisation living on the peer, keeps a community with members
/// there, or is the network (at GREEN or CLEAR);</item>
/// <item>TLP:RED and TLP:AMBER+STRICT cross only to a peer on which a named organisation lives, and arrive addressed to exactly
/// those organisations;</item>
/// <item>named organisations narrow to those living on the peer; a community defined on both nodes stays a community, with
/// its members on the peer; any other community becomes its member organisations living on the peer (like MISP's
/// distribution narrowing); entries beyond the TLP's ceiling are dropped, never carried;</item>
/// <item>an object never goes back to its origin or to a node it already passed (the provenance hop list).</item>
/// </list>
/// </summary>
public static class HopRules
{
    /// <param name="tlp">The object's TLP.</param>
    /// <param name="audience">Its audience on the sending node.</param>
    /// <param name="homeNodeOf">The node on which an organisation lives (null: unknown, treated as living nowhere reachable).</param>
    /// <param name="sendingNode">This node.</param>
    /// <param name="peerNode">The peer it would cross to.</param>
    /// <param name="traversed">The origin and the hops the object already passed (its provenance).</param>
    public static HopDecision Decide(Tlp tlp, FederatedAudience audience, Func<Guid, string?> homeNodeOf, string sendingNode, string peerNode,
        IReadOnlyCollection<string> traversed)
    {
        ArgumentNullException.ThrowIfNull(audience);
        ArgumentNullException.ThrowIfNull(homeNodeOf);
        ArgumentNullException.ThrowIfNull(sendingNode);
        ArgumentNullException.ThrowIfNull(peerNode);
        ArgumentNullException.ThrowIfNull(traversed);
        if (string.Equals(sendingNode, peerNode, StringComparison.Ordinal))
        {
            return HopDecision.Stays("the peer is this node");
        }

        if (traversed.Contains(peerNode, StringComparer.Ordinal))
        {
            return HopDecision.Stays("the peer already carried the object (loop)");
        }

        bool OnPeer(Guid org) => string.Equals(homeNodeOf(org), peerNode, StringComparison.Ordinal);

        var organisations = audience.Organisations.Where(OnPeer).ToHashSet();
        if (tlp >= Tlp.AmberStrict)
        {
            return organisations.Count == 0
                ? HopDecision.Stays("TLP:RED and TLP:AMBER+STRICT cross only to a peer on which a named organisation lives")
                : new HopDecision(true, new FederatedAudience(organisations, new Dictionary<Guid, FederatedCommunity>(), false), "named organisations on the peer");
        }

        var communities = new Dictionary<Guid, FederatedCommunity>();
        foreach (var (id, community) in audience.Communities)
        {
            var onPeer = community.Members.Where(OnPeer).ToHashSet();
            if (onPeer.Count == 0)
            {
                continue;
            }

            if (community.DefinedOn.Contains(sendingNode) && community.DefinedOn.Contains(peerNode))
            {
                communities[id] = new FederatedCommunity(onPeer, community.DefinedOn);
            }
            else
            {
                organisations.UnionWith(onPeer);
            }
        }

        var network = audience.Network && tlp <= Tlp.Green;
        var result = new FederatedAudience(organisations, communities, network);
        return result.IsEmpty
            ? HopDecision.Stays("the audience names no organisation of the peer and is not the network")
            : new HopDecision(true, result, network ? "the network" : "organisations of the peer");
    }
}
