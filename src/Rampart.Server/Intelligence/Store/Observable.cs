namespace Rampart.Server.Intelligence.Store;

/// <summary>The kind of an indexed value. Stored as a number: never renumber, only add.</summary>
public enum ObservableKind : short
{
    Ipv4 = 1,
    Ipv6 = 2,
    Ipv4Cidr = 3,
    Ipv6Cidr = 4,
    Domain = 5,
    Url = 6,
    Email = 7,
    Md5 = 8,
    Sha1 = 9,
    Sha256 = 10,
    Sha512 = 11,

    /// <summary>Any other file hash (SSDEEP, TLSH, SHA3 …): the value is prefixed with the algorithm name.</summary>
    OtherHash = 12,
    FileName = 13,
    AutonomousSystem = 14,
    Mutex = 15,
    RegistryKey = 16,
    MacAddress = 17,
    Vulnerability = 18,

    /// <summary>Any other (object type, property) value: the value is prefixed with <c>type:path=</c>.</summary>
    Other = 99,
}

/// <summary>
/// One distinct value of the observable index, normalised by <c>Rampart.Standards.Observables.Normalise</c>.
/// Addresses and CIDRs carry their range as 16-byte big-endian numbers (IPv4 mapped into ::ffff:0:0/96), so
/// byte-wise order is numeric order on SQLite and PostgreSQL; domains (also of URLs and e-mail addresses)
/// carry their labels reversed (<c>com.example.www.</c>) so a domain and its subdomains are one prefix range.
/// </summary>
public sealed class Observable
{
    public long Id { get; set; }

    public ObservableKind Kind { get; set; }

    public required string Value { get; set; }

    public byte[]? RangeStart { get; set; }

    public byte[]? RangeEnd { get; set; }

    public string? ReversedDomain { get; set; }

    /// <summary>How many objects (of any owner) link to the value: above a threshold it is "common".</summary>
    public int ObjectCount { get; set; }
}

/// <summary>Object <see cref="RecordId"/> carries value <see cref="ObservableId"/> (as an observable or pinned down by its pattern).</summary>
public sealed class ObservableLink
{
    public long ObservableId { get; set; }

    public long RecordId { get; set; }
}
